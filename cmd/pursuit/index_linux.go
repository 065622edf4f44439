package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// selfExecutable is the file this process runs: /proc/self/exe, which is
// this very binary even if the file at its path was replaced since (an
// upgrade during start-up), so the child builds with the same code that
// loads its snapshot.
func selfExecutable() (string, error) { return "/proc/self/exe", nil }

// dieWithParent has the kernel send the child SIGTERM when serve's process
// dies, however it dies (a SIGKILL, the OOM killer), so that no orphan
// goes on building. The signal is tied to the thread that starts the
// child, so the calling goroutine keeps that thread until the child is
// waited for: the caller runs the returned func after Wait.
func dieWithParent(cmd *exec.Cmd) (unlock func()) {
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	return runtime.UnlockOSThread
}
