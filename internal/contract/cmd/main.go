// Command contract writes the extension's copies of cif-host's contract
// (see package contract). Run it from `go generate ./extension`.
package main

import (
	"fmt"
	"os"

	"github.com/cifbridge/cif-bridge/internal/contract"
)

func main() {
	if err := contract.Write(".."); err != nil {
		fmt.Fprintln(os.Stderr, "contract:", err)
		os.Exit(1)
	}
}
