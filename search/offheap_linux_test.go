package search

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// vmaHeader is the first line of a mapping in smaps: its address range.
var vmaHeader = regexp.MustCompile(`^([0-9a-f]+)-([0-9a-f]+) `)

// hugeAdvised reads whether the mapping at p was advised MADV_HUGEPAGE
// (the "hg" flag of its VMA in smaps; THPeligible would also depend on its
// size holding an aligned 2 MiB page).
func hugeAdvised(t *testing.T, p unsafe.Pointer) bool {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	addr := uintptr(p)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := vmaHeader.FindStringSubmatch(line); m != nil {
			lo, _ := strconv.ParseUint(m[1], 16, 64)
			hi, _ := strconv.ParseUint(m[2], 16, 64)
			in = uintptr(lo) <= addr && addr < uintptr(hi)
			continue
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok && in {
			return slices.Contains(strings.Fields(v), "hg")
		}
	}
	t.Fatalf("no mapping at %#x in /proc/self/smaps", addr)
	return false
}

// TestOffheapHugePagesOnlyWhileBuilding: a big mapping made while a
// Build or a snapshot load runs may take huge pages; one made by a server
// after it may not
// (on a kernel whose transparent huge pages are "madvise", the mode in
// which the advice decides).
func TestOffheapHugePagesOnlyWhileBuilding(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !strings.Contains(string(mode), "[madvise]") {
		t.Skipf("transparent huge pages are not in madvise mode here (%q, %v)", mode, err)
	}
	building.Add(1)
	during := offheap[byte](0, 8<<20)
	small := offheap[byte](0, hugeMin-4096)
	building.Add(-1)
	after := offheap[byte](0, 8<<20)
	defer offheapFree(during)
	defer offheapFree(small)
	defer offheapFree(after)
	if !hugeAdvised(t, unsafe.Pointer(unsafe.SliceData(during))) {
		t.Error("an 8 MiB mapping made during a build is not advised huge pages")
	}
	if hugeAdvised(t, unsafe.Pointer(unsafe.SliceData(small))) {
		t.Error("a mapping under hugeMin made during a build is advised huge pages")
	}
	if hugeAdvised(t, unsafe.Pointer(unsafe.SliceData(after))) {
		t.Error("a mapping made after the build is advised huge pages")
	}
}
