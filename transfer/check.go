package transfer

import (
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2/roaring64"

	"github.com/pursuit-gov/pursuit"
)

// checker checks the decoded rows of one file: a key, Validate, no
// duplicate key within the file, and foreign keys that exist in the store
// or in the import.
type checker[T any] struct {
	im *importer
	sp *spec[T]
	// seen holds the keys met so far in the file: seen for one-column
	// keys, pairs (by customer_id) for the relation tables.
	seen  *roaring64.Bitmap
	pairs map[int64]*roaring64.Bitmap
	// target collects the table's accepted keys when other tables' foreign
	// keys point at it.
	target *roaring64.Bitmap
}

func newChecker[T any](im *importer, sp *spec[T]) *checker[T] {
	c := &checker[T]{im: im, sp: sp, target: im.fileKeys[sp.table]}
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
	// The strict check pass counts the key of a row it rejects for other
	// reasons as present, so that one bad place does not also reject
	// every contact of it: nothing is applied anyway.
	lenient := !c.im.applying
	if lenient && c.target != nil {
		c.target.Add(uint64(k1))
	}
	if p := c.duplicate(k1, k2, line); p != nil {
		return p
	}
	// The load pass of a strict import skips Validate: every row passed it
	// in the check pass, and the stores' Upserts run it again anyway. It
	// is the costliest check (the email pattern).
	if !c.im.applying || c.im.opts.SkipInvalid {
		if err := sp.validate(row); err != nil {
			return &rowProblem{line: line, column: pursuit.ErrorField(err), reason: errorMessage(err)}
		}
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
	if !lenient && c.target != nil {
		c.target.Add(uint64(k1))
	}
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
