package search

import (
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The index's big pointer-free arrays — the contact documents and their
// hot copy, the text arena's chunks and the postings pools' chunks, about
// 60% of its bytes — live outside the Go heap, in anonymous memory
// mappings. The garbage collector neither scans them (they hold no
// pointers, so it never did) nor, which is the point, counts them in the
// heap whose size it lets grow to twice the live heap (GOGC=100) before a
// cycle: on the heap, 700 MB of documents and text made 700 MB more of
// headroom the process kept resident. Memory the arrays reserve but do not
// touch (a chunk's unused tail, an array's room to grow) is not resident
// either.
//
// A mapping is freed (munmap) only when an array outgrows it and moves
// (growOff), and only once the write lock is about to be released
// (freeRetired): no reader holds a slice of it then.

// offheap allocates a zeroed slice of n elements with room for capacity
// outside the Go heap, or on it if the mapping fails. T must hold no
// pointers.
func offheap[T any](n, capacity int) []T {
	var zero T
	size := capacity * int(unsafe.Sizeof(zero))
	if size == 0 {
		return make([]T, n, capacity)
	}
	// Round up to a page.
	size = (size + 4095) &^ 4095
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]T, n, capacity)
	}
	if size >= hugeMin && building.Load() > 0 {
		adviseHuge(b)
	}
	s := unsafe.Slice((*T)(unsafe.Pointer(&b[0])), size/int(unsafe.Sizeof(zero)))
	mappings.Lock()
	mappings.m[unsafe.Pointer(&b[0])] = true
	mappings.Unlock()
	return s[:n:capacity]
}

// While a Build or a snapshot load runs, the mappings of hugeMin bytes or
// more are backed by transparent huge pages where the kernel offers them
// (adviseHuge; Linux with transparent_hugepage "madvise" or "always"): a
// build touches ~1.5 GB of fresh memory and a load ~600 MB, and on a
// virtual machine each 4 KiB page fault costs microseconds of the
// hypervisor's time (page faults were a fifth of a seed-scale build's
// CPU; with huge pages the build's faults fall by a third, and a restart's
// load takes ~0.85 of the time). A huge page is resident whole as soon as
// one byte of it is touched, so this costs a restarted server ~15 MB of
// its ~1.13 GB; the mappings made later (growth after writes) keep 4 KiB
// pages, which made all mappings huge cost ~25 MB.
//
// building counts the Builds and snapshot loads in progress in the
// process.
var building atomic.Int32

const hugeMin = 4 << 20

// mappings are the start addresses of the mappings offheap made, so that
// offheapFree unmaps nothing else. It is bookkeeping of the process's
// address space, shared by every index in it.
var mappings = struct {
	sync.Mutex
	m map[unsafe.Pointer]bool
}{m: map[unsafe.Pointer]bool{}}

func offheapOwned(p unsafe.Pointer) bool {
	mappings.Lock()
	defer mappings.Unlock()
	return mappings.m[p]
}

func offheapForget(p unsafe.Pointer) {
	mappings.Lock()
	delete(mappings.m, p)
	mappings.Unlock()
}

// offheapFree unmaps a slice offheap returned; a slice on the Go heap is
// left to the collector. The caller guarantees nothing uses s any more.
func offheapFree[T any](s []T) {
	if cap(s) == 0 {
		return
	}
	var zero T
	p := unsafe.Pointer(unsafe.SliceData(s))
	if !offheapOwned(p) {
		return
	}
	size := (cap(s)*int(unsafe.Sizeof(zero)) + 4095) &^ 4095
	syscall.Munmap(unsafe.Slice((*byte)(p), size))
	offheapForget(p)
}

// growOff returns s with length need, moved to a mapping a quarter
// bigger than need when its capacity is short; the old mapping is
// retired (freed by freeRetired).
func growOff[T any](ix *Index, s []T, need int) []T { return growOffTo(&ix.retired, s, need) }

// growOffTo is growOff for a structure that keeps a pointer to its
// index's retired list (nil: the old mapping is never freed). The
// elements past s's length are zero.
func growOffTo[T any](retired *[]func(), s []T, need int) []T {
	if need <= cap(s) {
		return s[:need]
	}
	t := offheap[T](need, need+need/4+1024)
	copy(t, s)
	if cap(s) > 0 && retired != nil {
		old := s
		*retired = append(*retired, func() { offheapFree(old) })
	}
	return t
}

// freeRetired frees the mappings arrays have moved out of. Callers hold
// the write lock, at the end of a batch of changes.
func (ix *Index) freeRetired() {
	for _, f := range ix.retired {
		f()
	}
	ix.retired = nil
	for _, fd := range append(append(ix.fields[:], ix.pfields[:]...), ix.pairDocs) {
		for _, f := range fd.retired {
			f()
		}
		fd.retired = nil
	}
}
