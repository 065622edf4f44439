//go:build !linux

package search

// populate is a no-op where MADV_POPULATE_WRITE does not exist: the read
// into b faults its pages in.
func populate(b []byte) {}

// adviseHuge is a no-op where transparent huge pages do not exist.
func adviseHuge(b []byte) {}

// releaseMapped is a no-op here: the mapped file's pages stay until the
// mapping goes.
func releaseMapped(b []byte) {}
