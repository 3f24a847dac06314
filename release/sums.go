package release

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// sums writes SHA256SUMS, in the format `sha256sum -c` reads, for every
// other file of the release.
func (b *builder) sums() error {
	files, err := list(b.dir)
	if err != nil {
		return err
	}
	var s strings.Builder
	for _, f := range files {
		if f.Name == "SHA256SUMS" {
			continue
		}
		sum, err := fileSHA256(b.path(f.Name))
		if err != nil {
			return err
		}
		fmt.Fprintf(&s, "%s  %s\n", sum, f.Name)
	}
	return os.WriteFile(b.path("SHA256SUMS"), []byte(s.String()), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("checksum %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
