package search

import (
	"encoding/binary"
	"iter"
	"unsafe"
)

// termTable maps the small terms of a field to their postings: an
// open-addressing hash table whose slots and term bytes are pointer-free
// arrays off the Go heap. A Go map of the 900,000 small terms of the
// seed's contacts (keys pointing into a term arena) was a heap the
// collector scanned on every cycle, and the biggest cost of a snapshot
// load after the documents: a termTable is written and read as its
// memory, with nothing to rebuild.
//
// A slot holds 32 bits of the term's hash, the offset of the term in the
// arena (a uvarint length, then the bytes; 0 is an empty slot, tombOff a
// deleted one) and the postings. Probing is linear from the hash's slot;
// the table doubles (or is rebuilt at its size, dropping tombstones) past
// 7/8 full, from the stored hashes alone. Deleted terms' bytes stay in the
// arena, as they stayed in the term arena before.
type termTable struct {
	slots   []termSlot // a power of two of them, or none
	arena   []byte     // byte 0 unused: offset 0 is an empty slot
	n, used int        // live terms; live and deleted slots
	retired *[]func()  // the field's: where a mapping grown out of goes
}

type termSlot struct {
	h    uint32
	off  uint32
	list postList
}

const tombOff = ^uint32(0)

// termHash is FNV-1a finished with a 64-bit mixer, so that every bit of
// the 32 kept is good for the slot's position. It is part of the snapshot
// format (tables are written as their memory).
func termHash(s string) uint32 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h)
}

// key returns the term of a live slot, a view of the arena valid until
// the table grows and the batch ends.
func (t *termTable) key(s *termSlot) string {
	n, k := binary.Uvarint(t.arena[s.off:])
	b := t.arena[int(s.off)+k : int(s.off)+k+int(n)]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// find returns the slot of term, or the first free one on its probe
// sequence (the first deleted one, or else the empty one that ends it)
// and false. The table has at least one empty slot.
func (t *termTable) find(term string, h uint32) (int, bool) {
	mask := len(t.slots) - 1
	free := -1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		switch {
		case s.off == 0:
			if free < 0 {
				free = i
			}
			return free, false
		case s.off == tombOff:
			if free < 0 {
				free = i
			}
		case s.h == h && t.key(s) == term:
			return i, true
		}
	}
}

func (t *termTable) get(term string) (postList, bool) {
	if t.n == 0 {
		return postList{}, false
	}
	i, ok := t.find(term, termHash(term))
	if !ok {
		return postList{}, false
	}
	return t.slots[i].list, true
}

// set inserts term with its postings or replaces its postings.
func (t *termTable) set(term string, l postList) {
	if (t.used+1)*8 > len(t.slots)*7 {
		t.rehash()
	}
	h := termHash(term)
	i, ok := t.find(term, h)
	if ok {
		t.slots[i].list = l
		return
	}
	off := len(t.arena)
	if off == 0 {
		off = 1
	}
	need := off + binary.MaxVarintLen64 + len(term)
	if uint64(need) >= uint64(tombOff) {
		panic("search: a field's term arena is past 4 GiB")
	}
	t.arena = growOffTo(t.retired, t.arena, need)
	n := binary.PutUvarint(t.arena[off:], uint64(len(term)))
	copy(t.arena[off+n:], term)
	t.arena = t.arena[:off+n+len(term)]
	if t.slots[i].off == 0 {
		t.used++
	}
	t.slots[i] = termSlot{h: h, off: uint32(off), list: l}
	t.n++
}

func (t *termTable) delete(term string) {
	if t.n == 0 {
		return
	}
	i, ok := t.find(term, termHash(term))
	if !ok {
		return
	}
	t.slots[i] = termSlot{off: tombOff}
	t.n--
}

// rehash moves the live slots to a table of twice their number (at least
// 16 slots), dropping the deleted ones.
func (t *termTable) rehash() {
	size := 16
	for size*7 < (t.n+1)*2*8 {
		size *= 2
	}
	slots := offheap[termSlot](size, size)
	mask := size - 1
	for _, s := range t.slots {
		if s.off == 0 || s.off == tombOff {
			continue
		}
		i := int(s.h) & mask
		for slots[i].off != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
	}
	if cap(t.slots) > 0 && t.retired != nil {
		old := t.slots
		*t.retired = append(*t.retired, func() { offheapFree(old) })
	}
	t.slots, t.used = slots, t.n
}

func (t *termTable) len() int { return t.n }

// all yields every term and its postings, the terms views of the arena.
func (t *termTable) all() iter.Seq2[string, postList] {
	return func(yield func(string, postList) bool) {
		for i := range t.slots {
			s := &t.slots[i]
			if s.off == 0 || s.off == tombOff {
				continue
			}
			if !yield(t.key(s), s.list) {
				return
			}
		}
	}
}

// memory is the table's bytes, all off the Go heap.
func (t *termTable) memory() int64 {
	return int64(len(t.slots))*int64(unsafe.Sizeof(termSlot{})) + int64(len(t.arena))
}
