// Package lazyre compiles a package's regular expressions on their first
// use rather than at the process's start: cif-host starts for every
// browser connection, and most of its patterns serve calls that connection
// may never make.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same Regexp ever after. Like regexp.MustCompile, it
// panics if expr does not compile: a fault in the program, found by the
// first test that uses it.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
