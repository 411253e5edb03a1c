//go:build !linux

package e2e

import "syscall"

// procAttr is nil where Pdeathsig does not exist: the cleanup of each
// test stops its server.
func procAttr() *syscall.SysProcAttr { return nil }
