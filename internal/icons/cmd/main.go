// Command icons draws the extension's icons from internal/icons's SVG.
// Run it from `go generate ./extension`.
package main

import (
	"fmt"
	"os"

	"github.com/cifbridge/cif-bridge/internal/icons"
)

func main() {
	if err := icons.Write("."); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}
