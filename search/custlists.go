package search

import (
	"math/bits"
	"slices"
)

// custLists maps a row id to a list of ids, off the Go heap: the
// customers with a grant or mapping on a place or contact (Index.placeCust,
// contactCust), a customer's mappings of a place or contact
// (customer.mapsByPlace, mapsByContact). It is an open-addressing hash
// table of row ids whose slots point into one pool of ids. Go maps of
// slices for the seed's rows were 60 MB of heap, which the collector's
// headroom doubles under load. A full list moves to the end of the pool
// with twice the room, the moved-out room unused until the next build; a
// row whose list empties keeps its slot, as an absent one.
type custLists struct {
	slots   []custSlot // a power of two of them, or none; room 0 is an empty slot
	n       int        // rows with a non-empty list
	used    int        // slots used
	pool    []int64
	retired *[]func() // the index's: where a mapping grown out of goes
}

type custSlot struct {
	key     int64
	off     uint32
	n, room uint16
}

func custHash(key int64, mask int) int {
	return int(uint64(key)*0x9e3779b97f4a7c15>>32) & mask
}

// find returns the slot of key, or the empty slot where it would go.
func (l *custLists) find(key int64) *custSlot {
	mask := len(l.slots) - 1
	for i := custHash(key, mask); ; i = (i + 1) & mask {
		s := &l.slots[i]
		if s.room == 0 || s.key == key {
			return s
		}
	}
}

// get returns the customers of key: a view of the pool, valid until the
// end of the batch.
func (l *custLists) get(key int64) []int64 {
	if len(l.slots) == 0 {
		return nil
	}
	s := l.find(key)
	if s.room == 0 {
		return nil
	}
	return l.pool[s.off : s.off+uint32(s.n)]
}

// relate adds customerID to the list of key, once.
func (l *custLists) relate(key, customerID int64) {
	if len(l.slots) == 0 || 4*(l.used+1) > 3*len(l.slots) {
		l.grow()
	}
	s := l.find(key)
	if s.room == 0 {
		off := l.room(2)
		*s = custSlot{key: key, off: off, room: 2}
		l.used++
	}
	list := l.pool[s.off : s.off+uint32(s.n)]
	if slices.Contains(list, customerID) {
		return
	}
	if s.n == s.room {
		room := min(2*uint32(s.room), 0xffff)
		if uint32(s.n) == room {
			return // 65,535 customers on one row: past any deployment
		}
		off := l.room(room)
		copy(l.pool[off:], l.pool[s.off:s.off+uint32(s.n)])
		s.off, s.room = off, uint16(room)
	}
	l.pool[s.off+uint32(s.n)] = customerID
	if s.n == 0 {
		l.n++
	}
	s.n++
}

// drop takes id out of the list of key.
func (l *custLists) drop(key, id int64) {
	if len(l.slots) == 0 {
		return
	}
	s := l.find(key)
	if s.room == 0 || s.n == 0 {
		return
	}
	list := l.pool[s.off : s.off+uint32(s.n)]
	if i := slices.Index(list, id); i >= 0 {
		copy(list[i:], list[i+1:])
		s.n--
		if s.n == 0 {
			l.n--
		}
	}
}

// room appends n unused ids to the pool and returns their offset.
func (l *custLists) room(n uint32) uint32 {
	off := len(l.pool)
	need := off + int(n)
	if need > cap(l.pool) {
		// Twice the room: a build relates one id at a time.
		l.pool = growOffTo(l.retired, l.pool, max(need, 2*cap(l.pool)))
	}
	l.pool = l.pool[:need]
	return uint32(off)
}

// grow doubles the table (or makes its first).
func (l *custLists) grow() {
	old := l.slots
	n := max(1024, 2*len(old))
	l.slots = offheap[custSlot](n, n)
	for i := range old {
		if old[i].room != 0 {
			*l.find(old[i].key) = old[i]
		}
	}
	if len(old) > 0 {
		if l.retired != nil {
			*l.retired = append(*l.retired, func() { offheapFree(old) })
		}
	}
}

// free unmaps the lists' arrays (relayout: those a build made).
func (l *custLists) free() {
	offheapFree(l.slots)
	offheapFree(l.pool)
	*l = custLists{retired: l.retired}
}

// all yields every key and its list.
func (l *custLists) all(yield func(int64, []int64) bool) {
	for i := range l.slots {
		if s := &l.slots[i]; s.n != 0 {
			if !yield(s.key, l.pool[s.off:s.off+uint32(s.n)]) {
				return
			}
		}
	}
}

func (l *custLists) len() int { return l.n }

// memory is the lists' bytes (all off the Go heap).
func (l *custLists) memory() int64 {
	return int64(len(l.slots))*16 + int64(len(l.pool))*8
}

// reserve sizes an empty table for n keys and lists of total ids.
func (l *custLists) reserve(n, total int) {
	size := 1 << bits.Len(uint(max(1024, n+n/3+1)-1))
	l.slots = offheap[custSlot](size, size)
	l.pool = offheap[int64](0, total+total/8+1024)
}
