//go:build !linux

package main

import (
	"os"
	"os/exec"
)

// selfExecutable is the file this process runs.
func selfExecutable() (string, error) { return os.Executable() }

// dieWithParent does nothing where the kernel cannot tie a child's life
// to its parent's: an orphaned child finishes its build and exits.
func dieWithParent(*exec.Cmd) (unlock func()) { return func() {} }
