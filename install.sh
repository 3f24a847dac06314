#!/bin/sh
# Builds cif-host, puts it in a stable per-user place and registers it with
# every browser found. Run it again after pulling changes; it changes only
# what needs changing. ./install.sh --uninstall removes what it added.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bindir="$data/cif-bridge/bin"
host="$bindir/cif-host"

if [ "${1:-}" = "--uninstall" ]; then
    if [ -x "$host" ]; then
        "$host" uninstall
        rm -f "$host"
        rmdir "$bindir" "$data/cif-bridge" 2>/dev/null || true
        echo "removed $host"
    else
        echo "cif-host is not installed at $host; nothing to remove"
    fi
    exit 0
fi

command -v go >/dev/null 2>&1 || { echo "install.sh: Go is needed to build cif-host: https://go.dev/dl/" >&2; exit 1; }

mkdir -p "$bindir"
tmp="$bindir/.cif-host.new"
(cd "$here" && go build -o "$tmp" ./host)
if [ -f "$host" ] && cmp -s "$tmp" "$host"; then
    rm -f "$tmp"
    echo "cif-host $("$host" version) is already installed at $host"
else
    mv "$tmp" "$host"
    echo "installed cif-host $("$host" version) at $host"
fi

"$host" install "$@"

cat <<EOT

Now load the extension from $here/extension:
  Chrome, Chromium, Edge, Brave: open chrome://extensions, turn on Developer mode,
    click "Load unpacked" and choose that folder.
  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..."
    and choose $here/extension/manifest.json.
Then open a page on http://localhost or http://127.0.0.1 and call Microsoft.CIFramework.
If a browser says "Specified native messaging host not found", run: $host doctor
(docs/install.md explains each of its findings).
To see it work at once, run the demo console and open the address it prints:
  $host demo
EOT
