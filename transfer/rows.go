package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/RoaringBitmap/roaring/v2/roaring64"

	"github.com/pursuit-gov/pursuit"
)

// runner is the table-specific part of Import.
type runner interface {
	checkHeader(in input) ([]*rowProblem, error)
	// run reads and checks every file of the table and sends the accepted
	// rows in batches, until a strict import halts (see importer.halted):
	// from then on it only checks.
	run(ctx context.Context, im *importer, send func(batch) error) error
	// loadNatural reads the natural keys the store holds, for a table
	// that has them.
	loadNatural(ctx context.Context, im *importer) error
}

var runners = map[string]runner{
	pursuit.TableCustomers:               runnerOf[pursuit.Customer]{customerSpec},
	pursuit.TablePlaces:                  runnerOf[pursuit.Place]{placeSpec},
	pursuit.TableContacts:                runnerOf[pursuit.Contact]{contactSpec},
	pursuit.TableTechStack:               runnerOf[pursuit.TechStack]{techStackSpec},
	pursuit.TableCustomerPlaceRelation:   runnerOf[pursuit.CustomerPlaceRelation]{placeGrantSpec},
	pursuit.TableCustomerContactRelation: runnerOf[pursuit.CustomerContactRelation]{contactGrantSpec},
	pursuit.TableCustomerMapping:         runnerOf[pursuit.CustomerMapping]{mappingSpec},
}

type runnerOf[T any] struct{ sp *spec[T] }

func (r runnerOf[T]) checkHeader(in input) ([]*rowProblem, error) {
	f, err := os.Open(in.path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	_, problems, err := newRowReader(r.sp, in.format, f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", in.path, err)
	}
	return problems, nil
}

func (r runnerOf[T]) loadNatural(ctx context.Context, im *importer) error {
	sp := r.sp
	if sp.natural == nil {
		return nil
	}
	m := make(map[naturalKey]int64)
	err := sp.scan(ctx, im.s, func(row T) error {
		k, _ := sp.key(&row)
		m[sp.natural(&row)] = k
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the (%s, %s) keys of %s: %w", sp.naturalCols[0], sp.naturalCols[1], sp.table, err)
	}
	im.storeNatural[sp.table] = m
	return nil
}

func (r runnerOf[T]) run(ctx context.Context, im *importer, send func(batch) error) error {
	sp := r.sp
	im.table = sp.table
	// Each batch is a new slice: a store may keep the rows of an Upsert
	// until its commit, so a slice is never reused once sent.
	newBatch := func() []T { return make([]T, 0, im.opts.BatchSize) }
	flush := func(rows []T) error {
		if len(rows) == 0 || im.halted.Load() {
			return nil
		}
		return send(batch{table: sp.table, n: len(rows), apply: func(w pursuit.BulkWriter) error {
			return sp.upsert(ctx, w, rows)
		}})
	}
	for _, in := range im.inputs[sp.table] {
		if err := r.runFile(ctx, im, in, newBatch, flush); err != nil {
			return err
		}
	}
	return nil
}

func (r runnerOf[T]) runFile(ctx context.Context, im *importer, in input, newBatch func() []T, flush func([]T) error) error {
	sp := r.sp
	f, err := os.Open(in.path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	rr, problems, err := newRowReader(sp, in.format, f)
	if err != nil {
		return fmt.Errorf("read %s: %w", in.path, err)
	}
	if len(problems) > 0 {
		return pursuit.Errorf(pursuit.EINVALID, "%s: the header changed since it was checked", in.path)
	}
	im.fileBytes = rr.bytes
	defer func() {
		im.doneBytes += in.size
		im.fileBytes = nil
	}()
	ck := newChecker(im, sp, in.path)
	var rows []T
	var row T
	for {
		err := rr.read(&row)
		if err == io.EOF {
			break
		}
		if p, ok := err.(*rowProblem); ok {
			if err := im.reject(in, p); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", in.path, err)
		}
		im.rows++
		if p := ck.check(&row, rr.line()); p != nil {
			if err := im.reject(in, p); err != nil {
				return err
			}
			continue
		}
		if im.halted.Load() {
			// A strict import that rejected a row: nothing will be
			// applied, so only check the rest.
			rows = nil
			if im.rows%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				im.progress(false)
			}
			continue
		}
		if rows == nil {
			rows = newBatch()
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if err := flush(rows); err != nil {
				return err
			}
			rows = nil
			im.progress(false)
		}
	}
	if err := flush(rows); err != nil {
		return err
	}
	return ctx.Err()
}

// checker checks the decoded rows of one file: a key, Validate, no
// duplicate key within the file, foreign keys that exist in the store or
// in the import, and a natural key that no other row holds.
type checker[T any] struct {
	im   *importer
	sp   *spec[T]
	path string
	// seen holds the keys met so far in the file: seen for one-column
	// keys, pairs (by customer_id) for the relation tables.
	seen  *roaring64.Bitmap
	pairs map[int64]*roaring64.Bitmap
	// target collects the table's accepted keys when other tables' foreign
	// keys point at it.
	target *roaring64.Bitmap
}

func newChecker[T any](im *importer, sp *spec[T], path string) *checker[T] {
	c := &checker[T]{im: im, sp: sp, path: path, target: im.fileKeys[sp.table]}
	if len(sp.keyCols) == 2 {
		c.pairs = make(map[int64]*roaring64.Bitmap)
	} else {
		c.seen = roaring64.New()
	}
	return c
}

// check returns the problem of row, which starts on line, or nil.
func (c *checker[T]) check(row *T, line int64) *rowProblem {
	sp := c.sp
	k1, k2 := sp.key(row)
	if k1 <= 0 {
		return &rowProblem{line: line, column: sp.keyCols[0], reason: "is required: every imported row needs its key, a positive integer"}
	}
	if len(sp.keyCols) == 2 && k2 <= 0 {
		return &rowProblem{line: line, column: sp.keyCols[1], reason: "is required: every imported row needs its key, a positive integer"}
	}
	// A strict import counts the key of a row it rejects for other
	// reasons as present, so that one bad place does not also reject
	// every contact of it: nothing is applied anyway. (Until a row is
	// rejected this is the same as counting the accepted keys only.)
	lenient := !c.im.opts.SkipInvalid
	if lenient && c.target != nil {
		c.target.Add(uint64(k1))
	}
	if p := c.duplicate(k1, k2, line); p != nil {
		return p
	}
	if len(sp.keyCols) == 1 && c.im.wasDeleted(sp.table, k1) {
		return &rowProblem{line: line, column: sp.keyCols[0],
			reason: fmt.Sprintf("%d is the id of a row deleted from %s, and ids are never reused (what hangs on an id, such as the reveals of a contact or by a customer, would pass to the new row): give the row an id the store never had", k1, sp.table)}
	}
	if err := sp.validate(row); err != nil {
		return &rowProblem{line: line, column: pursuit.ErrorField(err), reason: errorMessage(err)}
	}
	for i := range sp.refs {
		r := &sp.refs[i]
		v := r.get(row)
		if v == 0 && r.optional {
			continue
		}
		if !c.im.hasKey(r.target, v) {
			return &rowProblem{line: line, column: r.column,
				reason: fmt.Sprintf("%d is not a key of %s, neither in this import nor in the store", v, r.target)}
		}
	}
	if sp.natural != nil {
		if p := c.naturalTaken(row, k1, line); p != nil {
			return p
		}
	}
	if !lenient && c.target != nil {
		c.target.Add(uint64(k1))
	}
	return nil
}

// claim is a natural key taken by a row of the import.
type claim struct {
	key  int64
	path string
	line int64
}

// naturalTaken reports a row whose natural key another row holds: a row
// of the store with another primary key, or an accepted row of this
// import with another primary key (in this file or an earlier one). The
// same primary key with the same natural key is an upsert, as for any
// key. Otherwise it claims the natural key for the row. A natural key the
// store holds stays taken even when the import moves its row to another
// one: the order in which the store applies the rows must not matter.
func (c *checker[T]) naturalTaken(row *T, k1, line int64) *rowProblem {
	sp := c.sp
	nk := sp.natural(row)
	what := fmt.Sprintf("%s %d, %s %q", sp.naturalCols[0], nk.id, sp.naturalCols[1], nk.text)
	if k, ok := c.im.storeNatural[sp.table][nk]; ok && k != k1 {
		return &rowProblem{line: line, column: sp.naturalCols[1],
			reason: fmt.Sprintf("duplicate key: %s is %s %d in the store; it is unique", what, sp.keyCols[0], k)}
	}
	m := c.im.fileNatural[sp.table]
	if m == nil {
		m = make(map[naturalKey]claim)
		c.im.fileNatural[sp.table] = m
	}
	if cl, ok := m[nk]; ok && cl.key != k1 {
		where := "this file"
		if cl.path != c.path {
			where = cl.path
		}
		return &rowProblem{line: line, column: sp.naturalCols[1],
			reason: fmt.Sprintf("duplicate key: %s is %s %d on line %d of %s; it is unique", what, sp.keyCols[0], cl.key, cl.line, where)}
	}
	m[nk] = claim{key: k1, path: c.path, line: line}
	return nil
}

// duplicate records the row's key and reports a key seen before in the
// file.
func (c *checker[T]) duplicate(k1, k2 int64, line int64) *rowProblem {
	sp := c.sp
	if c.seen != nil {
		if !c.seen.CheckedAdd(uint64(k1)) {
			return &rowProblem{line: line, column: sp.keyCols[0],
				reason: fmt.Sprintf("duplicate key: %s %d is on an earlier line of this file", sp.keyCols[0], k1)}
		}
		return nil
	}
	bm := c.pairs[k1]
	if bm == nil {
		bm = roaring64.New()
		c.pairs[k1] = bm
	}
	if !bm.CheckedAdd(uint64(k2)) {
		return &rowProblem{line: line, column: sp.keyCols[1],
			reason: fmt.Sprintf("duplicate key: %s %d, %s %d is on an earlier line of this file", sp.keyCols[0], k1, sp.keyCols[1], k2)}
	}
	return nil
}

// errorMessage returns the message of a validation error without its
// field, which the reject names as its column.
func errorMessage(err error) string {
	var e *pursuit.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
