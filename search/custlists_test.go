package search

import (
	"slices"
	"testing"
)

// TestCustLists checks that the lists of many keys keep every customer
// once, in the order related, through the table's and the lists' growth.
func TestCustLists(t *testing.T) {
	var retired []func()
	l := custLists{retired: &retired}
	want := map[int64][]int64{}
	for i := range 20000 {
		key := int64(i%3000) * 7919
		c := int64(i % 11)
		l.relate(key, c)
		if !slices.Contains(want[key], c) {
			want[key] = append(want[key], c)
		}
	}
	if l.len() != len(want) {
		t.Fatalf("len %d, want %d", l.len(), len(want))
	}
	for key, w := range want {
		if got := l.get(key); !slices.Equal(got, w) {
			t.Fatalf("get(%d) = %v, want %v", key, got, w)
		}
	}
	n := 0
	for key, got := range l.all {
		n++
		if !slices.Equal(got, want[key]) {
			t.Fatalf("all: %d = %v, want %v", key, got, want[key])
		}
	}
	if n != len(want) || l.get(-1) != nil {
		t.Errorf("all yields %d keys, want %d; get(-1) = %v", n, len(want), l.get(-1))
	}
	// Dropping empties a list: the row is then absent.
	for _, c := range want[0] {
		l.drop(0, c)
	}
	l.drop(0, 99)
	if got := l.get(0); len(got) != 0 || l.len() != len(want)-1 {
		t.Errorf("after dropping every id of 0: get(0) = %v, len %d, want %d", got, l.len(), len(want)-1)
	}
	for key := range l.all {
		if key == 0 {
			t.Errorf("all yields an emptied row")
		}
	}
	l.relate(0, 5)
	if got := l.get(0); !slices.Equal(got, []int64{5}) || l.len() != len(want) {
		t.Errorf("relate after emptying: get(0) = %v, len %d", got, l.len())
	}
	for _, f := range retired {
		f()
	}
}
