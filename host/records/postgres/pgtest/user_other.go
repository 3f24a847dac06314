//go:build !unix

package pgtest

import "os/exec"

type osUser struct{ uid, gid int }

func clusterUser() (*osUser, error) { return nil, nil }

func (u *osUser) apply(*exec.Cmd) {}
