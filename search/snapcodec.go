package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"time"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// The snapshot's primitives: unsigned and signed varints, length-prefixed
// strings, raw little-endian arrays of pointer-free values (the document
// arrays are written as their memory), and roaring bitmaps in their
// portable format. The whole file but its trailer is covered by a CRC-32C
// that the reader computes on the chunks it pulls from the file, so a
// checksum costs no work per value.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapWriter writes a snapshot body, keeping the first error.
type snapWriter struct {
	w   *bufio.Writer
	crc uint32
	n   int64
	err error
	buf [binary.MaxVarintLen64]byte
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

func (e *snapWriter) lists(m map[int64][]int64) {
	e.uvarint(uint64(len(m)))
	for k, l := range m {
		e.varint(k)
		raw(e, l)
	}
}

// errCorrupt is what a snapshot whose content does not decode wraps.
var errCorrupt = errors.New("corrupt snapshot")

// crcReader reads at most n bytes of r, checksumming them as they pass.
type crcReader struct {
	r   io.Reader
	n   int64
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	c.n -= int64(n)
	return n, err
}

// snapReader decodes a snapshot body. A malformed value panics with a
// snapError, which Load recovers into an error; every length is checked
// against the body's size before anything is allocated for it.
type snapReader struct {
	r    *bufio.Reader
	size int64 // the body's size: no length can exceed it
	strs map[string]string
	buf  []byte
	// allocs free what readRawOff mapped, when the snapshot is refused.
	allocs []func()
}

type snapError struct{ err error }

func (d *snapReader) fail(format string, args ...any) {
	panic(snapError{fmt.Errorf("%w: %s", errCorrupt, fmt.Sprintf(format, args...))})
}

func (d *snapReader) uvarint() uint64 {
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.fail("read varint: %v", err)
	}
	return v
}

func (d *snapReader) varint() int64 {
	v, err := binary.ReadVarint(d.r)
	if err != nil {
		d.fail("read varint: %v", err)
	}
	return v
}

func (d *snapReader) int() int { return int(d.varint()) }

// n reads a length of items of size bytes each and checks it fits in the
// body.
func (d *snapReader) n(size int) int {
	n := d.uvarint()
	if n > uint64(d.size)/uint64(max(size, 1)) {
		d.fail("length %d over the file's size", n)
	}
	return int(n)
}

func (d *snapReader) full(p []byte) {
	if _, err := io.ReadFull(d.r, p); err != nil {
		d.fail("read %d bytes: %v", len(p), err)
	}
}

func (d *snapReader) u64() uint64 {
	var b [8]byte
	d.full(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (d *snapReader) f64() float64 { return math.Float64frombits(d.u64()) }

func (d *snapReader) bool() bool { return d.uvarint() != 0 }

func (d *snapReader) bytes() []byte {
	n := d.n(1)
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	d.buf = d.buf[:n]
	d.full(d.buf)
	return d.buf
}

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

func (d *snapReader) istrs() []string {
	n := d.n(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.istr()
	}
	return out
}

func (d *snapReader) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil {
		d.fail("time: %v", err)
	}
	return t
}

// readRaw reads a slice written by raw; nil when empty.
func readRaw[T any](d *snapReader) []T {
	var zero T
	n := d.n(int(unsafe.Sizeof(zero)))
	if n == 0 {
		return nil
	}
	s := make([]T, n)
	d.full(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*int(unsafe.Sizeof(zero))))
	return s
}

// readRawOff reads a slice written by raw into memory offheap gives it,
// with room for capacity(n) elements.
func readRawOff[T any](d *snapReader, capacity func(n int) int) []T {
	var zero T
	n := d.n(int(unsafe.Sizeof(zero)))
	c := max(capacity(n), n)
	s := offheap[T](n, c)
	d.allocs = append(d.allocs, func() { offheapFree(s) })
	if n > 0 {
		d.full(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), n*int(unsafe.Sizeof(zero))))
	}
	return s
}

func (d *snapReader) bitmap() *roaring.Bitmap {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	if n-1 > uint64(d.size) {
		d.fail("bitmap of %d bytes over the file's size", n-1)
	}
	if cap(d.buf) < int(n-1) {
		d.buf = make([]byte, n-1)
	}
	d.buf = d.buf[:n-1]
	d.full(d.buf)
	bm := roaring.New()
	if err := bm.UnmarshalBinary(d.buf); err != nil {
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

func (d *snapReader) lists() map[int64][]int64 {
	n := d.n(2)
	m := make(map[int64][]int64, n)
	for range n {
		k := d.varint()
		m[k] = readRaw[int64](d)
	}
	return m
}
