package search

import (
	"os"
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

// releaseMapped drops the pages wholly inside b, a part of a read-only
// file mapping (never anonymous memory, which this would zero), from the
// process's page tables: they stay in the page cache, and a later read
// faults them back in. A snapshot load releases each section once
// decoded, so the process's resident size never holds the whole mapped
// file on top of the index decoded from it.
func releaseMapped(b []byte) {
	page := uintptr(os.Getpagesize())
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (p+page-1)&^(page-1), (p+uintptr(len(b)))&^(page-1)
	if hi <= lo {
		return
	}
	unix.Madvise(b[lo-p:hi-p], unix.MADV_DONTNEED)
}
