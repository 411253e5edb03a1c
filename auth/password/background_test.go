package password

import (
	"runtime"
	"syscall"
	"testing"
)

func TestHashRunsAtLowPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread priorities are set on Linux only")
	}
	var nice int
	var err error
	runInBackground(func() {
		// Getpriority returns 20 - nice on Linux.
		var prio int
		prio, err = syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		nice = 20 - prio
	})
	if err != nil || nice != 19 {
		t.Errorf("hashing thread nice = %d, %v; want 19", nice, err)
	}
	prio, _ := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if 20-prio == 19 {
		t.Error("the caller's thread was left at low priority")
	}
}
