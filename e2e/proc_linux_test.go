package e2e

import "syscall"

// procAttr makes a started latch die with the test binary, so that a test
// that panics or times out leaves no server behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
