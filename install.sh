#!/bin/sh
# Installs cif-host and registers it with every browser found. From an
# unpacked release archive it uses the prebuilt cif-host beside it (no Go
# needed); in a clone of the source it builds cif-host with Go. Run it
# again to update; ./install.sh --uninstall removes what it added.
set -eu

usage() {
    cat <<'EOT'
Usage: ./install.sh [--system] [--browser NAME]... [--extension-id ID]... [--flatpak] [--snap]
       ./install.sh --uninstall [--system]

Installs cif-host, the CIF Bridge session manager, and registers it with every browser found
(Chrome, Chromium, Edge, Brave, Vivaldi, Firefox, LibreWolf, Waterfox). From a release archive it
uses the cif-host beside this script; in a clone of the source it builds cif-host with Go.

  (no option)           for you: cif-host goes to ~/.local/share/cif-bridge/bin/
  --system              for every user (run it with sudo): cif-host goes to
                        /usr/local/lib/cif-bridge/, linked from /usr/local/bin/, and the
                        browsers' machine-wide folders
  --browser NAME        only this browser (repeatable)
  --extension-id ID     also admit a store build's id (repeatable; remembered)
  --flatpak, --snap     also register Flatpak and snap browsers (docs/install.md)
  --uninstall           remove the registrations and cif-host (add --system for a system install)
  -h, --help            print this help and do nothing else

Options other than --uninstall go to `cif-host install`; `cif-host install --help` lists them all.
Afterwards, `cif-host doctor` checks every browser's registration.
EOT
}

system=0
uninstall=0
for a in "$@"; do
    case $a in
        -h | --help | help) usage; exit 0 ;;
        --system) system=1 ;;
        --uninstall) uninstall=1 ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
if [ "$system" = 1 ]; then
    libdir=/usr/local/lib/cif-bridge
    host=$libdir/cif-host
    link=/usr/local/bin/cif-host
    if [ "$(id -u)" != 0 ]; then
        echo "install.sh: --system installs cif-host for every user, in $libdir and the browsers' machine-wide folders, which needs root: run sudo $0 $*" >&2
        exit 1
    fi
else
    if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ]; then
        echo "install.sh: under sudo without --system, this would register cif-host for root only; run $0 without sudo to install for you, or sudo $0 --system for every user" >&2
        exit 1
    fi
    data=${XDG_DATA_HOME:-$HOME/.local/share}
    libdir=$data/cif-bridge/bin
    host=$libdir/cif-host
    link=
fi

if [ "$uninstall" = 1 ]; then
    for a in "$@"; do
        case $a in
            --uninstall | --system) ;;
            *) echo "install.sh: --uninstall removes everything it installed and takes only --system; to unregister one browser, run: $host uninstall --browser NAME" >&2; exit 2 ;;
        esac
    done
    if [ -x "$host" ]; then
        if [ "$system" = 1 ]; then "$host" uninstall --system; else "$host" uninstall; fi
        rm -f "$host"
        if [ -n "$link" ] && [ -L "$link" ]; then rm -f "$link"; fi
        rmdir "$libdir" 2>/dev/null || true
        [ "$system" = 1 ] || rmdir "$data/cif-bridge" 2>/dev/null || true
        echo "removed $host"
    else
        echo "cif-host is not installed at $host; nothing to remove"
    fi
    exit 0
fi

# Where cif-host comes from: built from the source in a clone, else the
# release archive's own binary.
tmp="$libdir/.cif-host.new"
trap 'rm -f "$tmp"' EXIT
if [ -f "$here/go.mod" ] && [ -d "$here/host" ]; then
    from=source
    if ! command -v go >/dev/null 2>&1; then
        echo "install.sh: this is a clone of the source, and Go is needed to build cif-host: https://go.dev/dl/ (under sudo, keep your PATH: sudo env PATH=\"\$PATH\" $0 $*). Or unpack a release archive, which needs no Go." >&2
        exit 1
    fi
    mkdir -p "$libdir"
    (cd "$here" && CGO_ENABLED=0 go build -trimpath -o "$tmp" ./host)
elif [ -f "$here/cif-host" ]; then
    from=release
    machine="$(uname -s)/$(uname -m)"
    if ! "$here/cif-host" version >/dev/null 2>&1; then
        case $machine in
            Linux/*) os=linux ;; Darwin/*) os=darwin ;; *) os=$(uname -s) ;;
        esac
        case $machine in
            */x86_64 | */amd64) arch=amd64 ;; */aarch64 | */arm64) arch=arm64 ;; *) arch=$(uname -m) ;;
        esac
        echo "install.sh: $here/cif-host does not run on this machine ($machine): download the release archive for $os-$arch (cif-bridge-VERSION-$os-$arch.tar.gz)" >&2
        if [ "$os" = darwin ]; then
            echo "  If this is that archive, macOS may have quarantined the download: xattr -d com.apple.quarantine \"$here/cif-host\", then run $0 again" >&2
        fi
        exit 1
    fi
    mkdir -p "$libdir"
    cp "$here/cif-host" "$tmp"
else
    echo "install.sh: found neither cif-host nor the source beside $0; run it from an unpacked release archive or from a clone of the source" >&2
    exit 1
fi
chmod 755 "$tmp"
if [ -f "$host" ] && cmp -s "$tmp" "$host"; then
    rm -f "$tmp"
    echo "cif-host $("$host" version) is already installed at $host"
else
    mv "$tmp" "$host"
    echo "installed cif-host $("$host" version) at $host"
fi
if [ -n "$link" ]; then
    ln -sf "$host" "$link"
    echo "linked $link to it"
fi

"$host" install "$@"

if [ "$from" = source ]; then
    cat <<EOT

Now load the extension from $here/extension:
  Chrome, Chromium, Edge, Brave: open chrome://extensions, turn on Developer mode,
    click "Load unpacked" and choose that folder.
  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..."
    and choose $here/extension/manifest.json.
EOT
else
    cat <<EOT

Now install the extension: from its store, or from this release's cif-bridge-*-chrome.zip
(unzip it, then "Load unpacked" in chrome://extensions with Developer mode on) or
cif-bridge-*-firefox.xpi (signed builds install from about:addons). A store build has
its own id: run $0 --extension-id ID with it.
EOT
fi
cat <<EOT
Then open a page on http://localhost or http://127.0.0.1 and call Microsoft.CIFramework.
If a browser says "Specified native messaging host not found", run: $host doctor
(docs/install.md explains each of its findings).
To see it work at once, run the demo console and open the address it prints:
  $host demo
EOT
