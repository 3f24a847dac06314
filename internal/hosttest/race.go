//go:build race

package hosttest

// race is true when the tests run with -race: the host is then built with
// it too, so that the black-box tests look for data races in cif-host.
const race = true
