package lake

import (
	"cmp"
	"slices"
)

// zorderSort orders rows by the Z-order (Morton code) of two columns, as
// Delta's OPTIMIZE … ZORDER BY does: each column is first replaced by its
// rank among the rows, scaled to 21 bits so both columns weigh the same
// whatever their ranges, then the bits of the two ranks are interleaved.
// Ties break on b.
func zorderSort[T any](rows []T, idx []int32, a, b func(*T) int64) {
	n := len(idx)
	if n < 2 {
		return
	}
	ra := ranks(rows, idx, a)
	rb := ranks(rows, idx, b)
	type zk struct {
		z   uint64
		tie int64
		i   int32
	}
	keys := make([]zk, n)
	for k, i := range idx {
		keys[k] = zk{interleave(ra[k], rb[k]), b(&rows[i]), i}
	}
	slices.SortFunc(keys, func(x, y zk) int {
		if x.z != y.z {
			return cmp.Compare(x.z, y.z)
		}
		return cmp.Compare(x.tie, y.tie)
	})
	for k := range keys {
		idx[k] = keys[k].i
	}
}

// ranks returns, for each row of idx, the rank of col(row) among the
// distinct values, scaled to [0, 2^21).
func ranks[T any](rows []T, idx []int32, col func(*T) int64) []uint32 {
	vals := make([]int64, len(idx))
	for k, i := range idx {
		vals[k] = col(&rows[i])
	}
	distinct := slices.Clone(vals)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	out := make([]uint32, len(idx))
	scale := float64(1<<21) / float64(len(distinct))
	for i, v := range vals {
		r, _ := slices.BinarySearch(distinct, v)
		out[i] = uint32(float64(r) * scale)
	}
	return out
}

// interleave spreads the bits of a over the odd positions and those of b
// over the even positions of a 42-bit Morton code.
func interleave(a, b uint32) uint64 {
	return spread(uint64(a))<<1 | spread(uint64(b))
}

func spread(x uint64) uint64 {
	x &= 0x1fffff
	x = (x | x<<32) & 0x1f00000000ffff
	x = (x | x<<16) & 0x1f0000ff0000ff
	x = (x | x<<8) & 0x100f00f00f00f00f
	x = (x | x<<4) & 0x10c30c30c30c30c3
	x = (x | x<<2) & 0x1249249249249249
	return x
}
