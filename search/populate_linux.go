package search

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// populate faults in the pages of b, a slice offheap returned, in one
// call (MADV_POPULATE_WRITE) ahead of a read into it, instead of one page
// fault per page during the read. Where the kernel cannot (before Linux
// 5.14, or memory on the Go heap), the read faults them in as before.
func populate(b []byte) {
	if len(b) < 1<<20 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4096 != 0 {
		return
	}
	unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}

// adviseHuge asks for transparent huge pages for b, a fresh mapping (see
// building); where the kernel has none, nothing changes.
func adviseHuge(b []byte) { unix.Madvise(b, unix.MADV_HUGEPAGE) }
