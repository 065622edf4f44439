package lake

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unsafe"
)

// A spill holds the rows of a partitioned table while the store's scan
// (in key order) delivers them: one temporary file per partition, rows in
// a compact binary form. When the scan is over each partition is read
// back alone, ordered and written as parquet, so an export holds one
// partition at a time, never the table.
type spill[T any] struct {
	dir   string
	codec spillCodec[T]
	parts map[string]*spillPart
	buf   []byte
}

type spillPart struct {
	name string
	f    *os.File
	w    *bufio.Writer
	rows int
}

// spillCodec encodes rows for a spill and decodes them back. Decoded
// strings point into the buffer they were decoded from.
type spillCodec[T any] struct {
	enc func(b []byte, r *T) []byte
	dec func(d *spillDecoder, r *T)
	// head decodes only the leading fields, those that order the rows.
	head func(d *spillDecoder, r *T)
}

// newSpill creates a spill in a new temporary directory under dir ("":
// the system's).
func newSpill[T any](dir string, codec spillCodec[T]) (*spill[T], error) {
	d, err := os.MkdirTemp(dir, "pursuit-lake-spill-")
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return &spill[T]{dir: d, codec: codec, parts: map[string]*spillPart{}}, nil
}

// add appends a row to the spill of partition part.
func (s *spill[T]) add(part string, r *T) error {
	p := s.parts[part]
	if p == nil {
		name := filepath.Join(s.dir, fmt.Sprintf("part-%d", len(s.parts)))
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		p = &spillPart{name: name, f: f, w: bufio.NewWriterSize(f, 128<<10)}
		s.parts[part] = p
	}
	s.buf = s.codec.enc(s.buf[:0], r)
	var n [binary.MaxVarintLen64]byte
	if _, err := p.w.Write(n[:binary.PutUvarint(n[:], uint64(len(s.buf)))]); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	if _, err := p.w.Write(s.buf); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	p.rows++
	return nil
}

// finish flushes and closes every partition's file.
func (s *spill[T]) finish() error {
	for _, p := range s.parts {
		if err := p.w.Flush(); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		if err := p.f.Close(); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		p.f = nil
	}
	return nil
}

// spillPartition is one partition's records, read back: the file's
// content and where each record lies in it.
type spillPartition[T any] struct {
	name  string
	codec spillCodec[T]
	b     []byte
	recs  [][2]uint32 // start and end of each record
}

// open reads one partition's file (then removes it: a partition is read
// once) and checks its framing.
func (s *spill[T]) open(part string) (*spillPartition[T], error) {
	p := s.parts[part]
	if p == nil {
		return &spillPartition[T]{codec: s.codec}, nil
	}
	b, err := os.ReadFile(p.name)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	os.Remove(p.name)
	if len(b) >= 1<<32 {
		return nil, fmt.Errorf("spill %s: a partition of %d bytes is more than 4 GiB", p.name, len(b))
	}
	sp := &spillPartition[T]{name: p.name, codec: s.codec, b: b, recs: make([][2]uint32, 0, p.rows)}
	for off := 0; off < len(b); {
		n, k := binary.Uvarint(b[off:])
		if k <= 0 || n > uint64(len(b)-off-k) {
			return nil, fmt.Errorf("spill %s: corrupt record at byte %d", p.name, off)
		}
		start := off + k
		off = start + int(n)
		sp.recs = append(sp.recs, [2]uint32{uint32(start), uint32(off)})
	}
	return sp, nil
}

// head decodes the leading fields of record i (what orders the rows).
func (sp *spillPartition[T]) head(i int, r *T) {
	sp.codec.head(&spillDecoder{b: sp.b[sp.recs[i][0]:sp.recs[i][1]]}, r)
}

// row decodes record i; its strings share the partition's buffer.
func (sp *spillPartition[T]) row(i int, r *T) error {
	d := &spillDecoder{b: sp.b[sp.recs[i][0]:sp.recs[i][1]]}
	sp.codec.dec(d, r)
	if d.err != nil || len(d.b) != 0 {
		return fmt.Errorf("spill %s: corrupt record %d", sp.name, i)
	}
	return nil
}

// read returns the rows of one partition, in the order they were added.
func (s *spill[T]) read(part string) ([]T, error) {
	sp, err := s.open(part)
	if err != nil {
		return nil, err
	}
	rows := make([]T, len(sp.recs))
	for i := range rows {
		if err := sp.row(i, &rows[i]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// close removes the spill's files.
func (s *spill[T]) close() {
	for _, p := range s.parts {
		if p.f != nil {
			p.f.Close()
		}
	}
	os.RemoveAll(s.dir)
}

var errSpillShort = errors.New("short spill record")

// spillDecoder reads the fields of one record.
type spillDecoder struct {
	b   []byte
	err error
}

func (d *spillDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errSpillShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *spillDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errSpillShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// str returns a string sharing the decoder's buffer (never modified
// after the read).
func (d *spillDecoder) str() string {
	n := int(d.uvarint())
	if n > len(d.b) {
		d.err, d.b = errSpillShort, nil
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[0], n)
	d.b = d.b[n:]
	return s
}

// time decodes a timestamp written by appendTime. The lake stores
// microseconds, so that is what a spill keeps.
func (d *spillDecoder) time() time.Time { return time.UnixMicro(d.varint()).UTC() }

func (d *spillDecoder) optTime() *time.Time {
	if len(d.b) == 0 {
		d.err = errSpillShort
		return nil
	}
	set := d.b[0]
	d.b = d.b[1:]
	if set == 0 {
		return nil
	}
	t := d.time()
	return &t
}

func (d *spillDecoder) optInt() *int64 {
	if len(d.b) == 0 {
		d.err = errSpillShort
		return nil
	}
	set := d.b[0]
	d.b = d.b[1:]
	if set == 0 {
		return nil
	}
	v := d.varint()
	return &v
}

func appendOptInt(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), *v)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte { return binary.AppendVarint(b, t.UnixMicro()) }

func appendOptTime(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, 0)
	}
	return appendTime(append(b, 1), *t)
}

// The codecs of the partitioned tables. The partition column is not
// encoded: a spill file holds one partition.
var (
	contactCodec = spillCodec[ContactRow]{
		enc: func(b []byte, r *ContactRow) []byte {
			b = binary.AppendVarint(b, r.ContactID)
			b = binary.AppendVarint(b, r.PlaceID)
			for _, s := range [...]string{r.Name, r.FirstName, r.LastName, r.Email, r.Phone, r.Title, r.Department, r.AccountOwner} {
				b = appendStr(b, s)
			}
			b = appendOptTime(b, r.VerifiedAt)
			b = appendTime(b, r.CreatedAt)
			b = appendTime(b, r.UpdatedAt)
			return appendStr(b, r.EmailStatus)
		},
		dec: func(d *spillDecoder, r *ContactRow) {
			r.ContactID, r.PlaceID = d.varint(), d.varint()
			r.Name, r.FirstName, r.LastName, r.Email = d.str(), d.str(), d.str(), d.str()
			r.Phone, r.Title, r.Department, r.AccountOwner = d.str(), d.str(), d.str(), d.str()
			r.VerifiedAt = d.optTime()
			r.CreatedAt, r.UpdatedAt = d.time(), d.time()
			r.EmailStatus = d.str()
		},
		head: func(d *spillDecoder, r *ContactRow) { r.ContactID, r.PlaceID = d.varint(), d.varint() },
	}
	placeCodec = spillCodec[PlaceRow]{
		enc: func(b []byte, r *PlaceRow) []byte {
			b = binary.AppendVarint(b, r.PlaceID)
			for _, s := range [...]string{r.Name, r.PlaceType, r.County} {
				b = appendStr(b, s)
			}
			b = binary.AppendVarint(b, r.Population)
			for _, s := range [...]string{r.Website, r.EmailDomain, r.GEOID, r.NCESID, r.AccountOwner} {
				b = appendStr(b, s)
			}
			b = appendTime(b, r.CreatedAt)
			b = appendTime(b, r.UpdatedAt)
			return appendOptInt(b, r.FiscalYearStart)
		},
		dec: func(d *spillDecoder, r *PlaceRow) {
			r.PlaceID = d.varint()
			r.Name, r.PlaceType, r.County = d.str(), d.str(), d.str()
			r.Population = d.varint()
			r.Website, r.EmailDomain, r.GEOID, r.NCESID, r.AccountOwner = d.str(), d.str(), d.str(), d.str(), d.str()
			r.CreatedAt, r.UpdatedAt = d.time(), d.time()
			r.FiscalYearStart = d.optInt()
		},
		head: func(d *spillDecoder, r *PlaceRow) { r.PlaceID = d.varint() },
	}
)
