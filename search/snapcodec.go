package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"time"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// The snapshot's primitives: unsigned and signed varints, length-prefixed
// strings, raw little-endian arrays of pointer-free values (the document
// arrays are written as their memory), and roaring bitmaps in their
// portable format. Each section of the body has its own CRC-32C, which the
// writer computes on the bytes it writes and the reader on big slices (the
// mapped file between two raw arrays, and each raw array where it was
// read to), so a checksum costs no work per value. The big raw arrays
// (rawPage) start and end on a page boundary of the file: the reader
// reads them straight into their final memory with one pread each.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapWriter writes a snapshot body, keeping the first error.
type snapWriter struct {
	w   *bufio.Writer
	crc uint32 // of the current section
	n   int64  // the file offset of the next byte
	err error
	buf [binary.MaxVarintLen64]byte
}

// snapPage is the alignment of the raw arrays rawPage writes.
const snapPage = 4096

var zeroPage [snapPage]byte

// pad writes zeros up to the next page boundary of the file.
func (e *snapWriter) pad() {
	if r := e.n % snapPage; r != 0 {
		e.Write(zeroPage[:snapPage-r])
	}
}

// Write makes snapWriter an io.Writer (roaring writes bitmaps through it).
func (e *snapWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	e.crc = crc32.Update(e.crc, castagnoli, p)
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
	return n, err
}

func (e *snapWriter) uvarint(v uint64) { e.Write(e.buf[:binary.PutUvarint(e.buf[:], v)]) }
func (e *snapWriter) varint(v int64)   { e.Write(e.buf[:binary.PutVarint(e.buf[:], v)]) }
func (e *snapWriter) int(v int)        { e.varint(int64(v)) }
func (e *snapWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.Write(e.buf[:8])
}
func (e *snapWriter) f64(v float64) { e.u64(math.Float64bits(v)) }

func (e *snapWriter) bool(b bool) {
	if b {
		e.uvarint(1)
	} else {
		e.uvarint(0)
	}
}

func (e *snapWriter) str(s string) {
	e.uvarint(uint64(len(s)))
	if len(s) > 0 {
		e.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
}

func (e *snapWriter) strs(l []string) {
	e.uvarint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

func (e *snapWriter) time(t time.Time) {
	b, err := t.MarshalBinary()
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("encode time %v: %w", t, err)
	}
	e.str(string(b))
}

// raw writes a slice of pointer-free values as its memory.
func raw[T any](e *snapWriter, s []T) {
	e.uvarint(uint64(len(s)))
	if len(s) > 0 {
		e.Write(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0]))))
	}
}

// rawPage writes a slice as raw does, its memory starting and ending on a
// page boundary of the file (readRawOff reads it with one pread).
func rawPage[T any](e *snapWriter, s []T) {
	e.uvarint(uint64(len(s)))
	e.pad()
	if len(s) > 0 {
		e.Write(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0]))))
	}
	e.pad()
}

func (e *snapWriter) bitmap(bm *roaring.Bitmap) {
	if bm == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(bm.GetSerializedSizeInBytes() + 1)
	if e.err == nil {
		if _, err := bm.WriteTo(e); err != nil && e.err == nil {
			e.err = err
		}
	}
}

func (e *snapWriter) bitmaps(m bitmaps) {
	e.uvarint(uint64(len(m)))
	for k, bm := range m {
		e.str(k)
		e.bitmap(bm)
	}
}

// custLists writes custLists: the number of rows, then each row id and its
// list.
func (e *snapWriter) custLists(l *custLists) {
	e.uvarint(uint64(l.len()))
	for k, list := range l.all {
		e.varint(k)
		raw(e, list)
	}
}

// custLists reads what snapWriter.custLists wrote into l, replacing it.
func (d *snapReader) custLists(l *custLists) {
	n := d.n(2)
	keep := l.retired
	// What the lists grow out of while they are read is freed at once (no
	// reader has it yet).
	var retired []func()
	*l = custLists{retired: &retired}
	defer func() {
		for _, free := range retired {
			free()
		}
		l.retired = keep
	}()
	l.reserve(n, 2*n)
	for range n {
		k := d.varint()
		m := d.n(8)
		if m == 0 {
			continue
		}
		b := d.next(8 * m)
		for i := range m {
			l.relate(k, int64(binary.LittleEndian.Uint64(b[8*i:])))
		}
	}
}

// errCorrupt is what a snapshot whose content does not decode wraps.
var errCorrupt = errors.New("corrupt snapshot")

// snapReader decodes one section of a snapshot from the file mapped
// read-only in memory (b), the big raw arrays read from f straight into
// the memory they live in. A malformed value panics with a snapError,
// which the loader recovers into an error; every length is checked
// against the section's end before anything is allocated for it.
type snapReader struct {
	b      []byte      // the whole file
	f      io.ReaderAt // the same file, for the raw arrays' preads
	pos    int         // the next byte to decode
	end    int         // the section's end
	crc    uint32      // CRC-32C of the section's bytes before crcPos
	crcPos int
	strs   map[string]string
	// Slabs the places' own strings and short lists are carved from:
	// a few big allocations instead of several per place, off the Go
	// heap but for the strings' headers (carveOff).
	bytesSlab []byte
	textBuf   []byte // place's
	u32Slab   []uint32
	i64Slab   []int64
	strSlab   []string          // off the heap: see istrs
	offStrs   map[string]string // offStr's interned strings
	// allocs free what readRawOff mapped, when the snapshot is refused.
	allocs []func()
}

func newSnapReader(b []byte, f io.ReaderAt, off, end int) *snapReader {
	return &snapReader{b: b, f: f, pos: off, end: end, crcPos: off, strs: map[string]string{}}
}

type snapError struct{ err error }

func (d *snapReader) fail(format string, args ...any) {
	panic(snapError{fmt.Errorf("%w: %s", errCorrupt, fmt.Sprintf(format, args...))})
}

// sum folds the section's bytes up to off into the checksum.
func (d *snapReader) sum(off int) {
	if off > d.crcPos {
		d.crc = crc32.Update(d.crc, castagnoli, d.b[d.crcPos:off])
		d.crcPos = off
	}
}

// checksum returns the CRC-32C of the whole section; call it once the
// section is decoded.
func (d *snapReader) checksum() uint32 {
	d.sum(d.end)
	return d.crc
}

func (d *snapReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.pos:d.end])
	if n <= 0 {
		d.fail("bad varint at offset %d", d.pos)
	}
	d.pos += n
	return v
}

func (d *snapReader) varint() int64 {
	v, n := binary.Varint(d.b[d.pos:d.end])
	if n <= 0 {
		d.fail("bad varint at offset %d", d.pos)
	}
	d.pos += n
	return v
}

func (d *snapReader) int() int { return int(d.varint()) }

// n reads a length of items of size bytes each and checks it fits in the
// section.
func (d *snapReader) n(size int) int {
	n := d.uvarint()
	if n > uint64(d.end-d.pos)/uint64(max(size, 1)) {
		d.fail("length %d over the section's size", n)
	}
	return int(n)
}

// next returns the next n bytes of the mapped file, read only.
func (d *snapReader) next(n int) []byte {
	if n < 0 || n > d.end-d.pos {
		d.fail("read %d bytes at offset %d: past the section's end", n, d.pos)
	}
	b := d.b[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

func (d *snapReader) u64() uint64 { return binary.LittleEndian.Uint64(d.next(8)) }

func (d *snapReader) f64() float64 { return math.Float64frombits(d.u64()) }

func (d *snapReader) bool() bool { return d.uvarint() != 0 }

// bytes returns a length-prefixed byte string of the mapped file, read
// only: whatever keeps it copies it.
func (d *snapReader) bytes() []byte { return d.next(d.n(1)) }

func (d *snapReader) str() string { return string(d.bytes()) }

// istr reads a string and shares one copy of each distinct value (facet
// values, place types, owners: few values, many rows).
func (d *snapReader) istr() string {
	b := d.bytes()
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// istrs reads a list of strings written by strs.
//
// The list and its strings are off the Go heap (a place's vendors,
// products and categories: 44 MB of string headers at the seed's scale),
// which is safe because nothing in them points into the heap: the strings
// are interned copies in the byte slab (offStr), and a list is only ever
// replaced, never written (mutate.go sets it to nil, then appends to a
// new one on the heap).
func (d *snapReader) istrs() []string {
	n := d.n(1)
	if n == 0 {
		return nil
	}
	out := carveOff(d, &d.strSlab, n)
	for i := range out {
		out[i] = d.offStr()
	}
	return out
}

// offStr is istr, the string interned as a copy in the byte slab (off
// the Go heap, never freed).
func (d *snapReader) offStr() string {
	b := d.bytes()
	if s, ok := d.offStrs[string(b)]; ok {
		return s
	}
	if len(b) == 0 {
		return ""
	}
	c := carveOff(d, &d.bytesSlab, len(b))
	copy(c, b)
	s := unsafe.String(&c[0], len(c))
	if d.offStrs == nil {
		d.offStrs = map[string]string{}
	}
	d.offStrs[s] = s
	return s
}

func (d *snapReader) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil {
		d.fail("time: %v", err)
	}
	return t
}

// carve returns n elements of slab, refilling it when short. The slice's
// capacity is its length: an append moves it out of the slab.
func carve[T any](slab *[]T, n int) []T {
	if n > len(*slab) {
		*slab = make([]T, max(n, 1<<14))
	}
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

// carveOff is carve for pointer-free elements, the slab off the Go heap
// (freed with the reader's other allocations if the snapshot is refused;
// otherwise never: what the places' lists move out of stays mapped).
func carveOff[T any](d *snapReader, slab *[]T, n int) []T {
	if n > len(*slab) {
		s := offheap[T](max(n, 1<<16), max(n, 1<<16))
		d.allocs = append(d.allocs, func() { offheapFree(s) })
		*slab = s
	}
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

// sstr is str, the string carved from the reader's byte slab.
func (d *snapReader) sstr() string {
	b := d.bytes()
	if len(b) == 0 {
		return ""
	}
	s := carveOff(d, &d.bytesSlab, len(b))
	copy(s, b)
	return unsafe.String(&s[0], len(s))
}

// readRawSlab is readRaw, the slice carved from slab off the Go heap.
func readRawSlab[T any](d *snapReader, slab *[]T) []T {
	var zero T
	n := d.n(int(unsafe.Sizeof(zero)))
	if n == 0 {
		return nil
	}
	s := carveOff(d, slab, n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*int(unsafe.Sizeof(zero))), d.next(n*int(unsafe.Sizeof(zero))))
	return s
}

// readRaw reads a slice written by raw onto the Go heap; nil when empty.
func readRaw[T any](d *snapReader) []T {
	var zero T
	n := d.n(int(unsafe.Sizeof(zero)))
	if n == 0 {
		return nil
	}
	s := make([]T, n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*int(unsafe.Sizeof(zero))), d.next(n*int(unsafe.Sizeof(zero))))
	return s
}

// align skips the zeros rawPage wrote up to the next page boundary.
func (d *snapReader) align() {
	if r := d.pos % snapPage; r != 0 {
		d.next(snapPage - r)
	}
}

// readRawOff reads a slice written by rawPage into memory offheap gives
// it, with room for capacity(n) elements: one pread from the file into
// its final place (the pages populated first, at once), and the checksum
// computed there, so the mapped file's pages of it are never touched.
func readRawOff[T any](d *snapReader, capacity func(n int) int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	n := d.n(size)
	c := max(capacity(n), n)
	d.align()
	if n*size > d.end-d.pos {
		d.fail("array of %d bytes past the section's end", n*size)
	}
	s := offheap[T](n, c)
	d.allocs = append(d.allocs, func() { offheapFree(s) })
	if n > 0 {
		b := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*size)
		populate(b)
		if _, err := d.f.ReadAt(b, int64(d.pos)); err != nil {
			d.fail("read %d bytes at offset %d: %v", len(b), d.pos, err)
		}
		d.sum(d.pos)
		d.crc = crc32.Update(d.crc, castagnoli, b)
		d.pos += len(b)
		d.crcPos = d.pos
	}
	d.align()
	return s
}

func (d *snapReader) bitmap() *roaring.Bitmap {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	if n-1 > uint64(d.end-d.pos) {
		d.fail("bitmap of %d bytes past the section's end", n-1)
	}
	bm := roaring.New()
	if err := bm.UnmarshalBinary(d.next(int(n - 1))); err != nil {
		d.fail("bitmap: %v", err)
	}
	return bm
}

// bitmapNew is bitmap, an empty bitmap rather than nil.
func (d *snapReader) bitmapNew() *roaring.Bitmap {
	if bm := d.bitmap(); bm != nil {
		return bm
	}
	return roaring.New()
}

func (d *snapReader) bitmaps() bitmaps {
	n := d.n(2)
	m := make(bitmaps, n)
	for range n {
		k := d.istr()
		m[k] = d.bitmapNew()
	}
	return m
}

// writeIDTable writes an idTable of pointer-free values: its dense slice
// and bits as raw arrays, then its sparse ids and values.
func writeIDTable[V any](e *snapWriter, t *idTable[V]) {
	rawPage(e, t.dense)
	rawPage(e, t.has)
	e.uvarint(uint64(len(t.sparse)))
	for id, v := range t.sparse {
		e.varint(id)
		e.Write(unsafe.Slice((*byte)(unsafe.Pointer(&v)), unsafe.Sizeof(v)))
	}
}

// readIDTable reads what writeIDTable wrote into t.
func readIDTable[V any](d *snapReader, t *idTable[V]) {
	var zero V
	size := int(unsafe.Sizeof(zero))
	room := func(n int) int { return n + n/8 }
	t.dense = readRawOff[V](d, room)
	t.has = readRawOff[uint64](d, room)
	if len(t.has) != (len(t.dense)+63)/64 {
		d.fail("id table of %d values with %d words of bits", len(t.dense), len(t.has))
	}
	if r := len(t.dense) % 64; r != 0 && t.has[len(t.has)-1]>>r != 0 {
		d.fail("id table bits past its %d values", len(t.dense))
	}
	t.n = 0
	for _, w := range t.has {
		t.n += bits.OnesCount64(w)
	}
	n := d.n(1 + size)
	if n > 0 {
		t.sparse = make(map[int64]V, n)
	}
	for range n {
		id := d.varint()
		var v V
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), size), d.next(size))
		if id >= 0 && id < int64(len(t.dense)) && t.has[id>>6]&(1<<(id&63)) != 0 {
			d.fail("id %d both dense and sparse", id)
		}
		t.sparse[id] = v
	}
	t.n += len(t.sparse)
}
