package search

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// A snapshot is the index's whole state in a file, tagged with the
// change_log sequence number it covers, so that a restarted server loads
// it and applies only the changes since (Open) instead of building from
// the store. The file is
//
//	header   magic "PURSNAP\n", format version, layout fingerprint, weights
//	         fingerprint, store fingerprint, seq, reference time, save time
//	sections the structures (snapbody.go), one after the other, each
//	         ending with its number as a mark; the big raw arrays in them
//	         start and end on a page boundary (rawPage)
//	table    the number of sections, then each one's offset, length and
//	         CRC-32C
//	trailer  the table's offset, CRC-32C of header and table, magic
//	         "PURSEND\n"
//
// It is written to a temporary file in the same directory, synced and
// renamed over the old one, so a reader sees the old snapshot or the new
// one, never part of one. The loader maps the file read-only, checks
// header, table and trailer, then decodes the sections on all cores at
// once, each checking its own checksum; the big arrays are read with one
// pread each into the memory they then live in.

// SnapshotVersion is the snapshot format's version. Change it whenever
// what the body holds, or how, changes; the layout fingerprint covers the
// document structs written as memory.
const SnapshotVersion = 5 // 5: text records with email domains and patterns, updated_at by reference (text.go)

var (
	snapMagic    = [8]byte{'P', 'U', 'R', 'S', 'N', 'A', 'P', '\n'}
	snapEndMagic = [8]byte{'P', 'U', 'R', 'S', 'E', 'N', 'D', '\n'}
)

const (
	snapHeaderSize  = 8 + 4 + 7*8
	snapTrailerSize = 8 + 4 + 8
	snapEntrySize   = 8 + 8 + 4 // a section in the table
	// snapSectionMark, xor the section's number, ends each section.
	snapSectionMark = 0xfeedf00d_5ec7_0000
	// snapMaxAge is the oldest reference time a snapshot may carry: the
	// recency signal is measured from it, and a fresh build resets it.
	snapMaxAge = 7 * 24 * time.Hour
)

// SnapshotError says why a snapshot could not be used; Open logs it and
// builds from the store instead.
type SnapshotError struct {
	Path   string
	Reason string
	Err    error
}

func (e *SnapshotError) Error() string {
	s := "snapshot " + e.Path + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SnapshotError) Unwrap() error { return e.Err }

// snapHeader is the fixed-size head of a snapshot.
type snapHeader struct {
	version  uint32
	layout   uint64 // layoutFingerprint of the writer
	weights  uint64 // weightsFingerprint of the index
	store    uint64 // storeFingerprint: which store the index is of
	seq      int64
	refTime  int64
	savedAt  int64
	reserved uint64
}

func (h *snapHeader) encode() []byte {
	b := make([]byte, 0, snapHeaderSize)
	b = append(b, snapMagic[:]...)
	b = binary.LittleEndian.AppendUint32(b, h.version)
	for _, v := range []uint64{h.layout, h.weights, h.store, uint64(h.seq), uint64(h.refTime), uint64(h.savedAt), h.reserved} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func decodeHeader(b []byte) (snapHeader, bool) {
	if len(b) != snapHeaderSize || [8]byte(b[:8]) != snapMagic {
		return snapHeader{}, false
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[12+8*i:]) }
	return snapHeader{
		version: binary.LittleEndian.Uint32(b[8:]),
		layout:  u(0), weights: u(1), store: u(2), seq: int64(u(3)), refTime: int64(u(4)), savedAt: int64(u(5)), reserved: u(6),
	}, true
}

// layoutFingerprint hashes the memory layout of the structs the snapshot
// writes as raw memory: a field added, removed, renamed, retyped or moved
// makes an old snapshot a stale format rather than garbage.
func layoutFingerprint() uint64 {
	h := fnv.New64a()
	for _, v := range []any{contactDoc{}, hotDoc{}, pursuit.Place{}, postList{}, techRow{}, mappingRow{}, termSlot{}} {
		t := reflect.TypeOf(v)
		fmt.Fprintf(h, "%s %d;", t.Name(), t.Size())
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(h, "%s %s %d;", f.Name, f.Type, f.Offset)
		}
	}
	// Term tables are written as their memory: where a term's slot is
	// depends on its hash.
	fmt.Fprintf(h, "termHash %d;", termHash("pursuit snapshot"))
	return h.Sum64()
}

// weightsFingerprint hashes the ranking weights: the documents hold static
// scores computed with them.
func weightsFingerprint(w Weights) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%#v", w)
	return h.Sum64()
}

// storeFingerprint identifies the store an index is of, by its cursor key
// (a random secret per store): a snapshot of another store is refused.
func storeFingerprint(key []byte) uint64 {
	s := sha256.Sum256(append([]byte("pursuit snapshot store\x00"), key...))
	return binary.LittleEndian.Uint64(s[:8])
}

// SnapshotInfo describes a written snapshot.
type SnapshotInfo struct {
	Path    string
	Seq     int64
	Bytes   int64
	Elapsed time.Duration
}

// SaveSnapshot writes the index's state to path, atomically: to a
// temporary file beside it, synced, then renamed over path. It holds the
// follower off while it writes (changes wait in the log, searches go on),
// so the snapshot is exactly the state at its sequence number.
func (ix *Index) SaveSnapshot(path string) (SnapshotInfo, error) {
	start := time.Now()
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()

	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := snapHeader{
		version: SnapshotVersion, layout: layoutFingerprint(), weights: weightsFingerprint(ix.w),
		store: ix.storeFP, seq: ix.seq, refTime: ix.refTime, savedAt: time.Now().UnixMicro(),
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	e := &snapWriter{w: bw}
	hb := h.encode()
	e.Write(hb)
	table := binary.LittleEndian.AppendUint64(nil, uint64(len(ix.sections())))
	for i, sec := range ix.sections() {
		start := e.n
		e.crc = 0
		sec.enc(e)
		e.u64(snapSectionMark ^ uint64(i))
		table = binary.LittleEndian.AppendUint64(table, uint64(start))
		table = binary.LittleEndian.AppendUint64(table, uint64(e.n-start))
		table = binary.LittleEndian.AppendUint32(table, e.crc)
	}
	if e.err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, e.err)
	}
	tableOff := e.n
	tr := append([]byte(nil), table...)
	tr = binary.LittleEndian.AppendUint64(tr, uint64(tableOff))
	tr = binary.LittleEndian.AppendUint32(tr, crc32.Update(crc32Castagnoli(hb), castagnoli, table))
	tr = append(tr, snapEndMagic[:]...)
	if _, err := bw.Write(tr); err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot: %w", err)
	}
	ok = true
	ix.snapSeq.Store(h.seq)
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename itself, on file systems that need it
		d.Close()
	}
	info := SnapshotInfo{Path: path, Seq: h.seq, Bytes: tableOff + int64(len(tr)), Elapsed: time.Since(start)}
	ix.log.Info("search index snapshot written", "path", path, "seq", info.Seq, "mb", info.Bytes>>20,
		"elapsed", info.Elapsed.Round(time.Millisecond))
	return info, nil
}

// LoadSnapshot reads the index a snapshot holds, for src: it refuses
// (a *SnapshotError) a missing file, another format or layout, other
// weights, another store, a snapshot ahead of the store's change log, a
// reference time older than a week, and a file whose length or checksum
// is wrong. The index is at the snapshot's sequence number: Sync or
// Follow catches it up.
func LoadSnapshot(ctx context.Context, src Source, path string, opt Options) (ix *Index, err error) {
	building.Add(1) // huge pages for the index's big arrays (offheap)
	defer building.Add(-1)
	start := time.Now()
	bad := func(reason string, err error) (*Index, error) {
		return nil, &SnapshotError{Path: path, Reason: reason, Err: err}
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return bad("no snapshot yet", nil)
	}
	if err != nil {
		return bad("cannot open", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return bad("cannot stat", err)
	}
	size := fi.Size()
	if size < snapHeaderSize+snapTrailerSize {
		return bad(fmt.Sprintf("truncated (%d bytes)", size), nil)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return bad("cannot map", err)
	}
	defer syscall.Munmap(b)
	hb := b[:snapHeaderSize]
	h, okh := decodeHeader(hb)
	if !okh {
		return bad("not a snapshot (bad magic)", nil)
	}
	tb := b[size-snapTrailerSize:]
	tableOff := binary.LittleEndian.Uint64(tb)
	wantCRC := binary.LittleEndian.Uint32(tb[8:])
	var table []byte
	if tableOff >= snapHeaderSize && tableOff <= uint64(size-snapTrailerSize-8) {
		table = b[tableOff : size-snapTrailerSize]
	}
	// The version before the table: an older format's trailer says
	// something else, and its log line should say "stale format".
	switch {
	case [8]byte(tb[12:]) != snapEndMagic:
		return bad("truncated or incomplete (no valid trailer)", nil)
	case h.version != SnapshotVersion:
		return bad(fmt.Sprintf("stale format: version %d, this build reads %d", h.version, SnapshotVersion), nil)
	case h.layout != layoutFingerprint():
		return bad("stale format: the documents' layout changed", nil)
	case table == nil || uint64(len(table)) != 8+binary.LittleEndian.Uint64(table)*snapEntrySize:
		return bad("truncated or incomplete (no valid section table)", nil)
	case crc32.Update(crc32Castagnoli(hb), castagnoli, table) != wantCRC:
		return bad("corrupt (checksum mismatch in the header or the section table)", nil)
	}
	ix = newIndex(src, opt)
	if h.weights != weightsFingerprint(ix.w) {
		return bad("made with other ranking weights", nil)
	}
	key, err := cursorKey(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	if h.store != storeFingerprint(key) {
		return bad("of another store (its cursor key differs)", nil)
	}
	last, err := src.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("load snapshot: read last seq: %w", err)
	}
	if h.seq > last {
		return bad(fmt.Sprintf("ahead of the store's change log (seq %d, the log ends at %d)", h.seq, last), nil)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if age := now().Sub(time.UnixMicro(h.refTime)); age > snapMaxAge {
		return bad(fmt.Sprintf("its recency reference time is %s old (at most %s)", age.Round(time.Hour), snapMaxAge), nil)
	}
	if err := ix.setKey(key); err != nil {
		return nil, err
	}
	ix.refTime, ix.seq = h.refTime, h.seq
	ix.snapSeq.Store(h.seq)

	if err := ix.decodeSections(b, f, table, tableOff, opt.workers); err != nil {
		return bad(err.Error(), nil)
	}
	// The decoded containers the freeze copied are garbage now: give
	// their pages back rather than keep them resident until the
	// scavenger gets to them.
	ix.freezeBitmaps()
	debug.FreeOSMemory()
	ix.buildTime = time.Since(start)
	ix.lastApplied = time.Now()
	ix.log.Info("search index loaded from snapshot", "path", path, "seq", h.seq,
		"saved", time.UnixMicro(h.savedAt).UTC().Format(time.RFC3339), "contacts", ix.alive.GetCardinality(),
		"elapsed", ix.buildTime.Round(time.Millisecond))
	return ix, nil
}

func crc32Castagnoli(b []byte) uint32 { return crc32.Update(0, castagnoli, b) }

// decodeSections decodes the sections the table lists, workers at a
// time (0: GOMAXPROCS), biggest first. It returns why the snapshot is
// refused: a section table that does not tile the file, a section that
// does not decode or whose checksum differs, or an index that decodes but
// is inconsistent (check); then everything mapped for it is freed.
func (ix *Index) decodeSections(b []byte, f *os.File, table []byte, end uint64, workers int) error {
	secs := ix.sections()
	if n := binary.LittleEndian.Uint64(table); n != uint64(len(secs)) {
		return fmt.Errorf("corrupt: %d sections, this build writes %d", n, len(secs))
	}
	type span struct {
		off, end int
		crc      uint32
	}
	spans := make([]span, len(secs))
	at := uint64(snapHeaderSize)
	for i := range secs {
		e := table[8+i*snapEntrySize:]
		off, n := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint64(e[8:])
		if off != at || n < 8 || n > end-off {
			return fmt.Errorf("corrupt: section %s at %d+%d does not follow the one before", secs[i].name, off, n)
		}
		spans[i] = span{int(off), int(off + n), binary.LittleEndian.Uint32(e[16:])}
		at = off + n
	}
	if at != end {
		return fmt.Errorf("corrupt: the sections end at %d, the table starts at %d", at, end)
	}
	order := make([]int, len(secs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return (spans[b].end - spans[b].off) - (spans[a].end - spans[a].off)
	})
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	readers := make([]*snapReader, len(secs))
	errs := make([]error, len(secs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(secs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A fault on the mapped file (truncated under us) is a
			// panic the section's decoder recovers, not a crash.
			debug.SetPanicOnFault(true)
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) {
					return
				}
				i := order[k]
				d := newSnapReader(b, f, spans[i].off, spans[i].end)
				readers[i] = d
				errs[i] = decodeSection(secs[i], i, d, spans[i].crc)
				releaseMapped(b[spans[i].off:spans[i].end])
			}
		}()
	}
	wg.Wait()
	var err error
	for _, e := range errs {
		if e != nil {
			err = e // the first section's, in file order
			break
		}
	}
	if err == nil {
		err = recovered(func() { ix.check(&snapReader{}) })
	}
	if err != nil {
		for _, d := range readers {
			for _, free := range d.allocs {
				free()
			}
		}
	}
	return err
}

// decodeSection decodes section number i from d, turning the panic of a
// malformed value (or of anything a corrupt file makes go wrong) into an
// error, and checks its end mark and checksum.
func decodeSection(sec snapSection, i int, d *snapReader, crc uint32) error {
	err := recovered(func() {
		sec.dec(d)
		if d.u64() != snapSectionMark^uint64(i) || d.pos != d.end {
			d.fail("no end mark where the section ends")
		}
	})
	var sum uint32
	if err := recovered(func() { sum = d.checksum() }); err != nil {
		return fmt.Errorf("section %s: %w", sec.name, err)
	}
	if sum != crc {
		return fmt.Errorf("corrupt (checksum mismatch in section %s)", sec.name)
	}
	if err != nil {
		return fmt.Errorf("section %s: %w", sec.name, err)
	}
	return nil
}

// recovered runs fn, turning a snapError's or any other panic into an
// error.
func recovered(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if se, ok := r.(snapError); ok {
				err = se.err
				return
			}
			err = fmt.Errorf("%w: %v", errCorrupt, r)
		}
	}()
	fn()
	return nil
}

// Open returns an index of src: loaded from the snapshot at path and
// caught up with the change log when it can be, otherwise (no path, or a
// snapshot it cannot use: the log line says why) built from the store.
func Open(ctx context.Context, src Source, path string, opt Options) (*Index, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if path == "" {
		return Build(ctx, src, opt)
	}
	ix, err := loadAndSync(ctx, src, path, opt)
	if err == nil {
		return ix, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var se *SnapshotError
	if errors.As(err, &se) && se.Reason == "no snapshot yet" {
		log.Info("search index: no snapshot yet, building from the store", "path", path)
	} else {
		log.Warn("search index: cannot use the snapshot, building from the store", "path", path, "why", err.Error())
	}
	if opt.Rebuild != nil {
		start := time.Now()
		err := opt.Rebuild(ctx)
		if err == nil {
			if ix, err = loadAndSync(ctx, src, path, opt); err == nil {
				log.Info("search index: loaded the snapshot it rebuilt", "path", path, "elapsed", time.Since(start).Round(time.Millisecond))
				return ix, nil
			}
			err = fmt.Errorf("the rebuilt snapshot does not load: %w", err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		log.Warn("search index: the snapshot rebuild failed, building in this process", "path", path, "why", err.Error())
	}
	return Build(ctx, src, opt)
}

// loadAndSync loads the snapshot at path and catches it up with the
// change log.
func loadAndSync(ctx context.Context, src Source, path string, opt Options) (*Index, error) {
	ix, err := LoadSnapshot(ctx, src, path, opt)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	from := ix.seq
	if err := ix.Sync(ctx); err != nil {
		return nil, fmt.Errorf("catch up with the change log: %w", err)
	}
	ix.log.Info("search index caught up with the change log", "from_seq", from, "seq", ix.seq,
		"changes", ix.applied, "elapsed", time.Since(start).Round(time.Millisecond))
	return ix, nil
}
