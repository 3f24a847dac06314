//go:build !race

package hosttest

const race = false
