package search

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// sameAnswers fails unless two indexes answer random searches of every
// customer identically (hits, scores, order, totals, facets; cursors
// differ only by their random nonce, so the second pages are compared
// instead).
func sameAnswers(t *testing.T, r *rand.Rand, w *world, want, got *Index) {
	t.Helper()
	for range 40 {
		req := randomRequest(r, w)
		req.Facets = true
		cust := int64(1 + r.IntN(max(len(w.customers), 1)))
		a, errA := want.SearchContacts(cust, req)
		b, errB := got.SearchContacts(cust, req)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("customer %d %+v: errors %v and %v", cust, req, errA, errB)
		}
		if a.NextCursor != "" && b.NextCursor != "" {
			req.Cursor = a.NextCursor
			a2, _ := want.SearchContacts(cust, req)
			req.Cursor = b.NextCursor
			b2, _ := got.SearchContacts(cust, req)
			a2.NextCursor, b2.NextCursor = "", ""
			if diff := cmp.Diff(a2, b2); diff != "" {
				t.Fatalf("customer %d %+v, second page (-built +loaded):\n%s", cust, req, diff)
			}
		}
		if (a.NextCursor == "") != (b.NextCursor == "") {
			t.Fatalf("customer %d %+v: one index has a next page, the other not", cust, req)
		}
		a.NextCursor, b.NextCursor = "", ""
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("customer %d %+v (-built +loaded):\n%s", cust, req, diff)
		}
		pa, _ := want.SearchPlaces(cust, Request{Q: req.Q, Facets: true})
		pb, _ := got.SearchPlaces(cust, Request{Q: req.Q, Facets: true})
		pa.NextCursor, pb.NextCursor = "", ""
		if diff := cmp.Diff(pa, pb); diff != "" {
			t.Fatalf("customer %d places q=%q (-built +loaded):\n%s", cust, req.Q, diff)
		}
	}
}

// TestSnapshotRoundTrip saves built and followed indexes of random worlds
// (and of the generator's rows) and loads them back: the loaded index has
// the same inner state (the comparison of TestBuildEqualsFollow) and
// answers every search the same.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	ctx := context.Background()
	for _, seed := range seeds(3) {
		r := rand.New(rand.NewPCG(seed, 77))
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			w := newWorld(r, 10+r.IntN(40), 50+r.IntN(600), 2+r.IntN(4))
			s := testdb.SQLite(t)
			w.load(t, s)
			opt := stateOptions(r)
			ix, err := Build(ctx, s, opt)
			must(t, err)
			path := filepath.Join(t.TempDir(), "index.snap")
			// Built, then followed through random changes (dead
			// ordinals, placeholder places, grown lists): each state
			// round-trips.
			for round := range 2 {
				info, err := ix.SaveSnapshot(path)
				must(t, err)
				if info.Seq != ix.Stats().LastSeq || info.Bytes <= 0 {
					t.Fatalf("SaveSnapshot = %+v, index at seq %d", info, ix.Stats().LastSeq)
				}
				loaded, err := LoadSnapshot(ctx, s, path, opt)
				must(t, err)
				sameState(t, fmt.Sprint("round ", round), ix, loaded)
				sameAnswers(t, r, w, ix, loaded)
				if got := loaded.Stats().LastSeq; got != info.Seq {
					t.Fatalf("loaded index at seq %d, snapshot of %d", got, info.Seq)
				}
				for range 5 + r.IntN(25) {
					mutate(t, r, s, w)
					w = worldFromStore(t, s)
					w.customers = make([]pursuit.Customer, 4)
				}
				must(t, ix.Sync(ctx))
				// The loaded index follows too, and stays equal.
				must(t, loaded.Sync(ctx))
				sameState(t, fmt.Sprint("round ", round, " followed"), ix, loaded)
			}
		})
	}
	t.Run("gen", func(t *testing.T) {
		cfg := gen.Config{Seed: 9, Places: 200, Contacts: 2 * parallelText, Customers: 4, BatchSize: 500}
		s := testdb.SQLite(t)
		must(t, s.Bulk(ctx, func(bw pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, bw, nil) }))
		opt := fixedOptions()
		ix, err := Build(ctx, s, opt)
		must(t, err)
		path := filepath.Join(t.TempDir(), "index.snap")
		_, err = ix.SaveSnapshot(path)
		must(t, err)
		loaded, err := LoadSnapshot(ctx, s, path, opt)
		must(t, err)
		sameState(t, "gen", ix, loaded)
	})
}

// TestSnapshotCatchUp saves a snapshot, changes the store at random, and
// opens the index again: loaded from the snapshot and caught up from the
// change log, it equals a fresh build of the store, for random worlds,
// change counts and follower batch sizes.
func TestSnapshotCatchUp(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	ctx := context.Background()
	for _, seed := range seeds(4) {
		r := rand.New(rand.NewPCG(seed, 99))
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			w := newWorld(r, 10+r.IntN(30), 50+r.IntN(400), 2+r.IntN(3))
			s := testdb.SQLite(t)
			w.load(t, s)
			opt := stateOptions(r)
			ix, err := Build(ctx, s, opt)
			must(t, err)
			path := filepath.Join(t.TempDir(), "index.snap")
			_, err = ix.SaveSnapshot(path)
			must(t, err)
			for range r.IntN(120) {
				mutate(t, r, s, w)
				w = worldFromStore(t, s)
			}
			var logs bytes.Buffer
			opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			opened, err := Open(ctx, s, path, opt)
			must(t, err)
			if !strings.Contains(logs.String(), "loaded from snapshot") || strings.Contains(logs.String(), "search index built") {
				t.Fatalf("Open did not load the snapshot:\n%s", logs.String())
			}
			opt.Logger = nil
			built, err := Build(ctx, s, opt)
			must(t, err)
			sameState(t, "caught up", built, opened)
			if a, b := built.Stats().LastSeq, opened.Stats().LastSeq; a != b {
				t.Fatalf("built at seq %d, opened at %d", a, b)
			}
		})
	}
}

// TestSnapshotRefused checks that Open never uses a snapshot it must not:
// missing, truncated anywhere, any byte changed, another format version,
// another store, other weights, ahead of the store's log, or too old. Each
// falls back to a full build with a log line that says why, and the
// result equals a fresh build.
func TestSnapshotRefused(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 5))
	w := newWorld(r, 20, 300, 3)
	s := testdb.SQLite(t)
	w.load(t, s)
	opt := fixedOptions()
	ix, err := Build(ctx, s, opt)
	must(t, err)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.snap")
	_, err = ix.SaveSnapshot(good)
	must(t, err)
	data, err := os.ReadFile(good)
	must(t, err)
	if _, err := LoadSnapshot(ctx, s, good, opt); err != nil {
		t.Fatalf("the good snapshot: %v", err)
	}

	// refused writes data to a file, opens it, and wants a build with a
	// log line containing why.
	refused := func(what string, data []byte, opt Options, src Source, why string, compare bool) {
		t.Helper()
		path := filepath.Join(dir, "bad.snap")
		os.Remove(path)
		if data != nil {
			must(t, os.WriteFile(path, data, 0o600))
		}
		_, err := LoadSnapshot(ctx, src, path, opt)
		var se *SnapshotError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), why) {
			t.Fatalf("%s: LoadSnapshot error %v, want a SnapshotError saying %q", what, err, why)
		}
		var logs bytes.Buffer
		opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		opened, err := Open(ctx, src, path, opt)
		must(t, err)
		if !strings.Contains(logs.String(), why) || !strings.Contains(logs.String(), "search index built") {
			t.Fatalf("%s: want a build and a log line saying %q:\n%s", what, why, logs.String())
		}
		if compare {
			sameState(t, what, ix, opened)
		}
	}
	refused("missing", nil, opt, s, "no snapshot yet", true)
	for _, n := range []int{0, 10, snapHeaderSize, snapHeaderSize + 1, len(data) / 2, len(data) - snapTrailerSize, len(data) - 1} {
		refused(fmt.Sprintf("truncated to %d bytes", n), data[:n], opt, s, "truncated", true)
	}
	// Any changed byte is refused (the checksum covers header and body;
	// the header's fields are checked before).
	for range 40 {
		bad := bytes.Clone(data)
		i := r.IntN(len(bad) - snapTrailerSize)
		bad[i] ^= byte(1 + r.IntN(255))
		path := filepath.Join(dir, "flip.snap")
		must(t, os.WriteFile(path, bad, 0o600))
		if _, err := LoadSnapshot(ctx, s, path, opt); err == nil {
			t.Fatalf("byte %d of %d changed: the snapshot was loaded", i, len(bad))
		}
	}
	bad := bytes.Clone(data)
	bad[snapHeaderSize+len(bad[snapHeaderSize:])/3] ^= 0x40
	refused("a changed body byte", bad, opt, s, "corrupt", true)
	bad = bytes.Clone(data)
	binary.LittleEndian.PutUint32(bad[8:], SnapshotVersion+1)
	refused("another version", bad, opt, s, "stale format", true)
	bad = bytes.Clone(data)
	bad[12] ^= 1 // the layout fingerprint
	refused("another layout", bad, opt, s, "stale format", true)

	other := opt
	other.CursorKey = []byte("another store's key, 32 bytes..")
	refused("another store", data, other, s, "of another store", false)
	weights := DefaultWeights
	weights.Title = 2.5
	other = opt
	other.Weights = &weights
	refused("other weights", data, other, s, "other ranking weights", false)
	other = opt
	other.Now = func() time.Time { return opt.Now().Add(8 * 24 * time.Hour) }
	refused("too old", data, other, s, "recency reference time", false)
	// A store whose change log ends before the snapshot's seq: another
	// (or a restored) database with the same key.
	empty := testdb.SQLite(t)
	refused("ahead of the log", data, opt, empty, "ahead of the store's change log", false)
}

// TestSnapshotPlaceFields fills every field of a place with a value of its
// own and requires the snapshot's place codec to give it back: a field
// added to pursuit.Place and not to the codec fails here.
func TestSnapshotPlaceFields(t *testing.T) {
	var p pursuit.Place
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("value %d", i))
		case reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Struct:
			f.Set(reflect.ValueOf(time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC)))
		default:
			t.Fatalf("field %s of kind %s: teach this test (and the codec) about it", v.Type().Field(i).Name, f.Kind())
		}
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	e := &snapWriter{w: bw}
	e.place(&placeDoc{p: newPlaceCore(&p), alive: true})
	must(t, bw.Flush())
	d := newSnapReader(buf.Bytes(), nil, 0, buf.Len())
	var got placeDoc
	d.place(&got)
	if diff := cmp.Diff(p, got.p.place()); diff != "" {
		t.Fatalf("place after the snapshot codec (-want +got):\n%s", diff)
	}
}

// snapTable returns the sections' offsets, lengths and checksums of a
// snapshot file's bytes.
func snapTable(t *testing.T, data []byte) (offs, lens []int) {
	t.Helper()
	tableOff := int(binary.LittleEndian.Uint64(data[len(data)-snapTrailerSize:]))
	n := int(binary.LittleEndian.Uint64(data[tableOff:]))
	for i := range n {
		e := data[tableOff+8+i*snapEntrySize:]
		offs = append(offs, int(binary.LittleEndian.Uint64(e)))
		lens = append(lens, int(binary.LittleEndian.Uint64(e[8:])))
	}
	return offs, lens
}

// TestSnapshotSections checks the sectioned format: decoding the sections
// one at a time or all at once gives the same index (and both the built
// one); the big arrays start on a page boundary; a byte changed inside
// one of them (read by pread, checksummed where it landed), in the
// padding before one, or in the middle of any section is refused with
// the section's name; a section table that does not tile the file is
// refused even with a right checksum.
func TestSnapshotSections(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(8, 8))
	w := newWorld(r, 20, 400, 3)
	s := testdb.SQLite(t)
	w.load(t, s)
	opt := fixedOptions()
	ix, err := Build(ctx, s, opt)
	must(t, err)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.snap")
	_, err = ix.SaveSnapshot(good)
	must(t, err)
	for _, workers := range []int{1, 2, 16} {
		o := opt
		o.workers = workers
		loaded, err := LoadSnapshot(ctx, s, good, o)
		must(t, err)
		sameState(t, fmt.Sprint(workers, " workers"), ix, loaded)
		sameAnswers(t, r, w, ix, loaded)
	}

	data, err := os.ReadFile(good)
	must(t, err)
	offs, lens := snapTable(t, data)
	names := []string{}
	for _, sec := range ix.sections() {
		names = append(names, sec.name)
	}
	if len(offs) != len(names) {
		t.Fatalf("%d sections in the file, %d in the index", len(offs), len(names))
	}
	// The contacts section: a length, then the documents from the next
	// page boundary on.
	ci := slices.Index(names, "contacts")
	docs := (offs[ci] + 1 + snapPage - 1) / snapPage * snapPage
	if docs >= offs[ci]+lens[ci] || !bytes.Equal(data[docs:docs+8], binary.LittleEndian.AppendUint64(nil, uint64(ix.contacts[0].id))) {
		t.Fatalf("the contacts' documents do not start on the page boundary %d", docs)
	}
	load := func(what string, data []byte, why string) {
		t.Helper()
		path := filepath.Join(dir, "bad.snap")
		must(t, os.WriteFile(path, data, 0o600))
		for _, workers := range []int{1, 2} {
			o := opt
			o.workers = workers
			_, err := LoadSnapshot(ctx, s, path, o)
			var se *SnapshotError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), why) {
				t.Fatalf("%s (%d workers): LoadSnapshot error %v, want a SnapshotError saying %q", what, workers, err, why)
			}
		}
	}
	flip := func(i int) []byte {
		bad := bytes.Clone(data)
		bad[i] ^= 0x10
		return bad
	}
	load("a document's byte", flip(docs+70), "checksum mismatch in section contacts")
	load("the padding before the documents", flip(docs-1), "checksum mismatch in section contacts")
	load("the last byte of the contacts section", flip(offs[ci]+lens[ci]-1), "section contacts")
	for i, name := range names {
		load("the middle of section "+name, flip(offs[i]+lens[i]/2), "section "+name)
	}
	// A table whose sections overlap, its checksum made right.
	bad := bytes.Clone(data)
	tableOff := int(binary.LittleEndian.Uint64(data[len(data)-snapTrailerSize:]))
	e := bad[tableOff+8+2*snapEntrySize:]
	binary.LittleEndian.PutUint64(e, binary.LittleEndian.Uint64(e)-1)
	crc := crc32.Update(crc32Castagnoli(bad[:snapHeaderSize]), castagnoli, bad[tableOff:len(bad)-snapTrailerSize])
	binary.LittleEndian.PutUint32(bad[len(bad)-snapTrailerSize+8:], crc)
	load("overlapping sections", bad, "does not follow the one before")
	// A file of format 2 (one body, its trailer the body's length and
	// checksum) is a stale format, not a truncated one.
	bad = bytes.Clone(data)
	binary.LittleEndian.PutUint32(bad[8:], 2)
	binary.LittleEndian.PutUint64(bad[len(bad)-snapTrailerSize:], uint64(len(bad)-snapHeaderSize-snapTrailerSize))
	load("a format 2 file", bad, "stale format: version 2")
	// Fewer sections than this build writes.
	bad = bytes.Clone(data)
	binary.LittleEndian.PutUint64(bad[tableOff:], uint64(len(names)-1))
	load("a short table", bad, "no valid section table")
}

// TestOpenRebuild checks Open's Rebuild (serve's child-process build): with
// no usable snapshot Open runs it and loads what it wrote, caught up with
// changes made after it ran; a Rebuild that fails, writes nothing, or
// writes a file that does not load makes Open build in its own process,
// with a log line that says why; a cancelled context ends Open with the
// context's error, not a build. Every index Open returns equals a fresh
// build.
func TestOpenRebuild(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 99))
	w := newWorld(r, 10+r.IntN(20), 50+r.IntN(200), 2+r.IntN(3))
	s := testdb.SQLite(t)
	w.load(t, s)
	opt := stateOptions(r)
	dir := t.TempDir()
	fresh := func() *Index {
		t.Helper()
		o := opt
		o.Logger = nil
		built, err := Build(ctx, s, o)
		must(t, err)
		return built
	}
	cases := []struct {
		name    string
		rebuild func(t *testing.T, path string) func(context.Context) error
		has     []string
		hasNot  []string
	}{
		{"writes the snapshot, then the store changes",
			func(t *testing.T, path string) func(context.Context) error {
				return func(ctx context.Context) error {
					o := opt
					o.Logger = nil
					ix, err := Build(ctx, s, o)
					if err != nil {
						return err
					}
					if _, err := ix.SaveSnapshot(path); err != nil {
						return err
					}
					for range 1 + r.IntN(30) {
						mutate(t, r, s, w)
						w = worldFromStore(t, s)
					}
					return nil
				}
			},
			[]string{"no snapshot yet", "loaded from snapshot", "caught up", "loaded the snapshot it rebuilt"},
			[]string{"search index built", "rebuild failed"}},
		{"fails",
			func(*testing.T, string) func(context.Context) error {
				return func(context.Context) error { return errors.New("child exited 137") }
			},
			[]string{"no snapshot yet", "rebuild failed", "child exited 137", "search index built"},
			[]string{"loaded from snapshot"}},
		{"writes nothing",
			func(*testing.T, string) func(context.Context) error {
				return func(context.Context) error { return nil }
			},
			[]string{"rebuild failed", "does not load", "search index built"},
			[]string{"loaded from snapshot"}},
		{"writes garbage",
			func(_ *testing.T, path string) func(context.Context) error {
				return func(context.Context) error { return os.WriteFile(path, []byte("not a snapshot"), 0o600) }
			},
			[]string{"rebuild failed", "does not load", "search index built"},
			[]string{"loaded from snapshot"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprint(i, ".snap"))
			var logs bytes.Buffer
			o := opt
			o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			o.Rebuild = c.rebuild(t, path)
			opened, err := Open(ctx, s, path, o)
			must(t, err)
			for _, want := range c.has {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("no %q in the log:\n%s", want, logs.String())
				}
			}
			for _, not := range c.hasNot {
				if strings.Contains(logs.String(), not) {
					t.Errorf("%q in the log:\n%s", not, logs.String())
				}
			}
			sameState(t, c.name, fresh(), opened)
		})
	}
	// Cancelled while the rebuild runs: the context's error, no build
	// tried (nor a fallback logged).
	cctx, cancel := context.WithCancel(ctx)
	var logs bytes.Buffer
	o := opt
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	o.Rebuild = func(ctx context.Context) error { cancel(); <-ctx.Done(); return ctx.Err() }
	if ix, err := Open(cctx, s, filepath.Join(dir, "cancelled.snap"), o); !errors.Is(err, context.Canceled) || ix != nil {
		t.Fatalf("Open cancelled during the rebuild: %v, %v", ix, err)
	}
	if strings.Contains(logs.String(), "rebuild failed") || strings.Contains(logs.String(), "search index built") {
		t.Fatalf("Open went on after the cancel:\n%s", logs.String())
	}
}
