package search

import (
	"iter"
	"math/bits"
	"unsafe"
)

// idTable maps row ids to values without a Go map where it can: the ids
// of a table are mostly 1, 2, 3, …, so a value lives at its id in a dense
// slice, with a bit saying it is there, and only an id far beyond the
// others (or negative) goes to a map. A lookup is an index, a build or a
// snapshot load appends, and for pointer-free values the dense part is
// one object the garbage collector never scans (a map of 900,000 tech
// rows cost a third of a snapshot load in inserts).
//
// V holds no pointers: the dense slice and its bits live off the Go heap
// (offheap.go), so the collector neither scans nor counts them.
type idTable[V any] struct {
	dense   []V
	has     []uint64 // bit id of has: dense[id] is set
	sparse  map[int64]V
	n       int
	retired *[]func() // the index's: where a mapping grown out of goes
}

// idDenseSlack is how far beyond twice the rows an id may be and still
// go into the dense slice.
const idDenseSlack = 1 << 16

func (t *idTable[V]) get(id int64) (V, bool) {
	if id >= 0 && id < int64(len(t.dense)) && t.has[id>>6]&(1<<(id&63)) != 0 {
		return t.dense[id], true
	}
	v, ok := t.sparse[id]
	return v, ok
}

// at returns the value of id, or the zero value.
func (t *idTable[V]) at(id int64) V {
	v, _ := t.get(id)
	return v
}

func (t *idTable[V]) set(id int64, v V) {
	if id >= 0 && id >= int64(len(t.dense)) && id < 2*int64(t.n)+idDenseSlack {
		n := max(int(id)+1, len(t.dense)*5/4, 1024)
		t.dense = growOffTo(t.retired, t.dense, n)
		t.has = growOffTo(t.retired, t.has, (n+63)/64)
	}
	if id >= 0 && id < int64(len(t.dense)) {
		if _, ok := t.sparse[id]; ok {
			delete(t.sparse, id)
			t.n--
		}
		if t.has[id>>6]&(1<<(id&63)) == 0 {
			t.has[id>>6] |= 1 << (id & 63)
			t.n++
		}
		t.dense[id] = v
		return
	}
	if t.sparse == nil {
		t.sparse = map[int64]V{}
	}
	if _, ok := t.sparse[id]; !ok {
		t.n++
	}
	t.sparse[id] = v
}

func (t *idTable[V]) delete(id int64) {
	if id >= 0 && id < int64(len(t.dense)) && t.has[id>>6]&(1<<(id&63)) != 0 {
		t.has[id>>6] &^= 1 << (id & 63)
		var zero V
		t.dense[id] = zero
		t.n--
		return
	}
	if _, ok := t.sparse[id]; ok {
		delete(t.sparse, id)
		t.n--
	}
}

func (t *idTable[V]) len() int { return t.n }

// all yields every id and value: the dense ones in id order, then the
// sparse ones.
func (t *idTable[V]) all() iter.Seq2[int64, V] {
	return func(yield func(int64, V) bool) {
		for w, word := range t.has {
			for word != 0 {
				id := int64(w*64 + bits.TrailingZeros64(word))
				word &= word - 1
				if !yield(id, t.dense[id]) {
					return
				}
			}
		}
		for id, v := range t.sparse {
			if !yield(id, v) {
				return
			}
		}
	}
}

// memory estimates the table's bytes, and those of them off the Go heap
// (the dense part, at its length).
func (t *idTable[V]) memory() (total, off int64) {
	var zero V
	off = int64(len(t.dense))*int64(unsafe.Sizeof(zero)) + int64(len(t.has))*8
	return off + mapBytes(len(t.sparse), 8+unsafe.Sizeof(zero)), off
}
