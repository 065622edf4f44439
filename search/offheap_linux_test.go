package search

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// vmaHeader is the first line of a mapping in smaps: its address range.
var vmaHeader = regexp.MustCompile(`^([0-9a-f]+)-([0-9a-f]+) `)

// thpEligible reads whether the kernel may back the mapping at p with
// transparent huge pages (smaps' THPeligible of its VMA).
func thpEligible(t *testing.T, p unsafe.Pointer) bool {
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
		if v, ok := strings.CutPrefix(line, "THPeligible:"); ok && in {
			return strings.TrimSpace(v) == "1"
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
	small := offheap[byte](0, 1<<20)
	building.Add(-1)
	after := offheap[byte](0, 8<<20)
	defer offheapFree(during)
	defer offheapFree(small)
	defer offheapFree(after)
	if !thpEligible(t, unsafe.Pointer(unsafe.SliceData(during))) {
		t.Error("an 8 MiB mapping made during a build is not eligible for huge pages")
	}
	if thpEligible(t, unsafe.Pointer(unsafe.SliceData(small))) {
		t.Error("a 1 MiB mapping made during a build is eligible for huge pages")
	}
	if thpEligible(t, unsafe.Pointer(unsafe.SliceData(after))) {
		t.Error("a mapping made after the build is eligible for huge pages")
	}
}
