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
	"io"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// A snapshot is the index's whole state in a file, tagged with the
// change_log sequence number it covers, so that a restarted server loads
// it and applies only the changes since (Open) instead of building from
// the store. The file is
//
//	header  magic "PURSNAP\n", format version, layout fingerprint, weights
//	        fingerprint, store fingerprint, seq, reference time, save time
//	body    the structures (snapshotBody)
//	trailer body length, CRC-32C of header and body, magic "PURSEND\n"
//
// It is written to a temporary file in the same directory, synced and
// renamed over the old one, so a reader sees the old snapshot or the new
// one, never part of one.

// SnapshotVersion is the snapshot format's version. Change it whenever
// what the body holds, or how, changes; the layout fingerprint covers the
// document structs written as memory.
const SnapshotVersion = 2

var (
	snapMagic    = [8]byte{'P', 'U', 'R', 'S', 'N', 'A', 'P', '\n'}
	snapEndMagic = [8]byte{'P', 'U', 'R', 'S', 'E', 'N', 'D', '\n'}
)

const (
	snapHeaderSize  = 8 + 4 + 7*8
	snapTrailerSize = 8 + 4 + 8
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
	for _, v := range []any{contactDoc{}, hotDoc{}, pursuit.Place{}, postList{}} {
		t := reflect.TypeOf(v)
		fmt.Fprintf(h, "%s %d;", t.Name(), t.Size())
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(h, "%s %s %d;", f.Name, f.Type, f.Offset)
		}
	}
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
	e.Write(h.encode())
	e.n = 0
	ix.encodeBody(e)
	if e.err != nil {
		return SnapshotInfo{}, fmt.Errorf("save snapshot %s: %w", path, e.err)
	}
	var tr []byte
	tr = binary.LittleEndian.AppendUint64(tr, uint64(e.n))
	tr = binary.LittleEndian.AppendUint32(tr, e.crc)
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
	info := SnapshotInfo{Path: path, Seq: h.seq, Bytes: snapHeaderSize + e.n + snapTrailerSize, Elapsed: time.Since(start)}
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
	hb := make([]byte, snapHeaderSize)
	if _, err := io.ReadFull(f, hb); err != nil {
		return bad("cannot read header", err)
	}
	h, okh := decodeHeader(hb)
	if !okh {
		return bad("not a snapshot (bad magic)", nil)
	}
	tb := make([]byte, snapTrailerSize)
	if _, err := f.ReadAt(tb, size-snapTrailerSize); err != nil {
		return bad("cannot read trailer", err)
	}
	bodyLen := int64(binary.LittleEndian.Uint64(tb))
	wantCRC := binary.LittleEndian.Uint32(tb[8:])
	switch {
	case [8]byte(tb[12:]) != snapEndMagic || bodyLen != size-snapHeaderSize-snapTrailerSize:
		return bad("truncated or incomplete (no valid trailer)", nil)
	case h.version != SnapshotVersion:
		return bad(fmt.Sprintf("stale format: version %d, this build reads %d", h.version, SnapshotVersion), nil)
	case h.layout != layoutFingerprint():
		return bad("stale format: the documents' layout changed", nil)
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

	cr := &crcReader{r: f, n: bodyLen, crc: crc32Castagnoli(hb)}
	d := &snapReader{r: bufio.NewReaderSize(cr, 1<<20), size: bodyLen, strs: map[string]string{}}
	refuse := func(reason string, err error) (*Index, error) {
		for _, free := range d.allocs {
			free()
		}
		return bad(reason, err)
	}
	if err := ix.decodeBodySafe(d); err != nil {
		return refuse("corrupt", err)
	}
	if _, err := io.Copy(io.Discard, d.r); err != nil {
		return refuse("cannot read", err)
	}
	if cr.crc != wantCRC {
		return refuse("corrupt (checksum mismatch)", nil)
	}
	ix.buildTime = time.Since(start)
	ix.lastApplied = time.Now()
	ix.log.Info("search index loaded from snapshot", "path", path, "seq", h.seq,
		"saved", time.UnixMicro(h.savedAt).UTC().Format(time.RFC3339), "contacts", ix.alive.GetCardinality(),
		"elapsed", ix.buildTime.Round(time.Millisecond))
	return ix, nil
}

func crc32Castagnoli(b []byte) uint32 { return crc32.Update(0, castagnoli, b) }

// decodeBodySafe decodes the body, turning the panic of a malformed value
// (or of anything a corrupt file makes go wrong) into an error.
func (ix *Index) decodeBodySafe(d *snapReader) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if se, ok := r.(snapError); ok {
				err = se.err
				return
			}
			err = fmt.Errorf("%w: %v", errCorrupt, r)
		}
	}()
	ix.decodeBody(d)
	return nil
}

// Open returns an index of src: loaded from the snapshot at path and
// caught up with the change log when it can be, otherwise (no path, or a
// snapshot it cannot use: the log line says why) built from the store.
func Open(ctx context.Context, src Source, path string, opt Options) (*Index, error) {
	log := opt.Logger
	if path != "" {
		ix, err := LoadSnapshot(ctx, src, path, opt)
		if err == nil {
			start := time.Now()
			from := ix.seq
			if err = ix.Sync(ctx); err == nil {
				ix.log.Info("search index caught up with the change log", "from_seq", from, "seq", ix.seq,
					"changes", ix.applied, "elapsed", time.Since(start).Round(time.Millisecond))
				return ix, nil
			}
			err = fmt.Errorf("catch up with the change log: %w", err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if log != nil {
			var se *SnapshotError
			if errors.As(err, &se) && se.Reason == "no snapshot yet" {
				log.Info("search index: no snapshot yet, building from the store", "path", path)
			} else {
				log.Warn("search index: cannot use the snapshot, building from the store", "path", path, "why", err.Error())
			}
		}
	}
	return Build(ctx, src, opt)
}
