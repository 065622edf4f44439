package postgres

import "testing"

// TestContactPlaces pins the record of new contacts' places: batches in
// any order within themselves, each above the last; a batch that is not
// above the earlier ones, disable, or the cap switch it off for good.
func TestContactPlaces(t *testing.T) {
	var c contactPlaces
	c.add([]int64{3, 1, 2}, []int64{30, 10, 20})
	c.add([]int64{7, 5}, []int64{70, 50})
	for id, want := range map[int64]int64{1: 10, 2: 20, 3: 30, 5: 50, 7: 70} {
		if got, ok := c.place(id); !ok || got != want {
			t.Errorf("place(%d) = %d, %v; want %d", id, got, ok, want)
		}
	}
	for _, id := range []int64{0, 4, 6, 8} {
		if got, ok := c.place(id); ok {
			t.Errorf("place(%d) = %d, want none", id, got)
		}
	}

	c.add([]int64{9, 6}, []int64{90, 60}) // 6 is below 7: not all new
	if _, ok := c.place(1); ok {
		t.Fatal("record still answers after a batch below the earlier ones")
	}
	c.add([]int64{100}, []int64{1})
	if _, ok := c.place(100); ok {
		t.Fatal("record switched off took a batch")
	}

	var d contactPlaces
	d.add([]int64{1}, []int64{1})
	d.disable()
	if _, ok := d.place(1); ok {
		t.Fatal("record answers after disable")
	}
	defer func(n int) { maxContactPlaces = n }(maxContactPlaces)
	maxContactPlaces = 4
	var e contactPlaces
	e.add([]int64{1, 2, 3}, []int64{1, 1, 1})
	e.add([]int64{4, 5}, []int64{1, 1})
	if _, ok := e.place(1); ok || !e.off || e.ids != nil {
		t.Fatal("record over maxContactPlaces kept")
	}
}
