package password

import (
	"runtime"
	"syscall"
)

// runInBackground runs f on an operating-system thread of the lowest
// scheduling priority (nice 19), and waits for it. A hash then takes only
// the CPU time that request handling leaves: with GOMAXPROCS above the
// number of CPUs (see [Hasher.MaxConcurrent]), a flood of sign-ins no
// longer delays signed-in users' requests, and alone it still has every
// CPU. The thread is never unlocked, so the runtime discards it, and its
// priority with it, when f returns.
func runInBackground(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		// Best effort: lowering one's own priority needs no privilege,
		// and hashing at normal priority is still correct.
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
		f()
		close(done)
	}()
	<-done
}
