package release

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// thirdPartyNotices lists the licence of every module linked into
// cif-host for p, and Go's own: the notices MIT- and BSD-licensed code
// asks a binary's distributor to carry.
func thirdPartyNotices(ctx context.Context, repo string, p Platform) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f",
		"{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}", "./host")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("list cif-host's modules for %s: %w\n%s", p, err, stderr.String())
	}
	type module struct{ path, version, dir string }
	seen := map[string]module{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 {
			seen[f[0]] = module{f[0], f[1], f[2]}
		}
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("find Go's licence: %w", err)
	}
	var paths []string
	for p := range seen {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var s strings.Builder
	s.WriteString("cif-host is built with Go and links the modules below. Their licences follow.\n")
	write := func(title, dir string) error {
		text, err := licenceText(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		fmt.Fprintf(&s, "\n%s\n%s\n\n%s\n", title, strings.Repeat("=", len(title)), strings.TrimSpace(text))
		return nil
	}
	if err := write("Go (the standard library and runtime)", strings.TrimSpace(string(goroot))); err != nil {
		return "", err
	}
	for _, p := range paths {
		m := seen[p]
		if err := write(m.path+" "+m.version, m.dir); err != nil {
			return "", err
		}
	}
	return s.String(), nil
}

// licenceText reads a module's licence file.
func licenceText(dir string) (string, error) {
	for _, name := range []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING", "LICENCE"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return string(data), nil
		}
	}
	return "", fmt.Errorf("no licence file in %s; add the module's licence by hand before releasing", dir)
}
