package httpapi

import (
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// TestKeyCacheOrders plays the orders in which a key's row is read, put
// in the cache, and changed (revoked, deleted, its customer deleted), and
// the follower reads the change, including the race of a change read by
// the follower between the row's read and its put: a key is served from
// the cache only when no change after its read is known, and only once
// the follower has read the log up to its read.
func TestKeyCacheOrders(t *testing.T) {
	key := pursuit.APIKey{APIKeyID: 7, Role: pursuit.RoleCustomer, CustomerID: 3}
	sum := [32]byte{1}
	ch := func(seq int64, table string, key int64) pursuit.Change {
		return pursuit.Change{Seq: seq, Table: table, Op: pursuit.OpUpdate, Key: key}
	}
	type step struct {
		apply []pursuit.Change // the follower reads these
		put   int64            // the row, read at this position, is put (0: no put)
		local [2]int64         // this server changed key, customer (changed at seq 100)
		want  bool             // served from the cache after the step
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"read, put, served", []step{{put: 10, want: true}}},
		{"put ahead of the follower waits for it", []step{
			{put: 12, want: false},
			{apply: []pursuit.Change{ch(11, pursuit.TableContacts, 1)}, want: false},
			{apply: []pursuit.Change{ch(12, pursuit.TableContacts, 2)}, want: true},
		}},
		{"revoked after the put", []step{
			{put: 10, want: true},
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}, want: false},
		}},
		{"revoked between read and put, follower first", []step{
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}, want: false},
			{put: 10, want: false},
		}},
		{"customer deleted between read and put", []step{
			{apply: []pursuit.Change{ch(11, pursuit.TableCustomers, 3)}, want: false},
			{put: 10, want: false},
		}},
		{"customer changed after the put", []step{
			{put: 10, want: true},
			{apply: []pursuit.Change{ch(11, pursuit.TableCustomers, 3)}, want: false},
		}},
		{"a change before the read is in the row", []step{
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}},
			{put: 11, want: true},
		}},
		{"the row read again after a change is served", []step{
			{put: 10, want: true},
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}, want: false},
			{put: 11, want: true},
		}},
		{"other keys and customers do not matter", []step{
			{put: 10, want: true},
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 8), ch(12, pursuit.TableCustomers, 4), ch(13, pursuit.TableContacts, 7)}, want: true},
		}},
		{"a batch read twice", []step{
			{put: 10, want: true},
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}, want: false},
			{apply: []pursuit.Change{ch(11, pursuit.TableAPIKeys, 7)}, want: false},
		}},
		{"revoked through this server", []step{
			{put: 10, want: true},
			{local: [2]int64{7, 0}, want: false},
		}},
		{"customer deleted through this server", []step{
			{put: 10, want: true},
			{local: [2]int64{0, 3}, want: false},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kc := newKeyCache()
			kc.following, kc.gen, kc.applied = true, 1, 10
			for i, st := range tt.steps {
				if st.apply != nil {
					kc.apply(1, st.apply)
				}
				if st.put != 0 {
					kc.put(sum, key, st.put)
				}
				if st.local != [2]int64{} {
					kc.changed(st.local[0], st.local[1], 100)
				}
				if _, ok := kc.get(sum); ok != st.want {
					t.Fatalf("step %d: served = %v, want %v", i, ok, st.want)
				}
			}
		})
	}
}

// TestKeyCacheBounds checks that a cache without a follower caches
// nothing, that a late batch of an old follower is ignored, and that a
// start-over voids what was cached.
func TestKeyCacheBounds(t *testing.T) {
	key := pursuit.APIKey{APIKeyID: 7, Role: pursuit.RoleAdmin}
	sum := [32]byte{2}
	kc := newKeyCache()
	kc.put(sum, key, 0)
	if _, ok := kc.get(sum); ok {
		t.Fatal("a cache without a follower served a key")
	}
	kc.following, kc.gen, kc.applied = true, 2, 5
	kc.apply(1, []pursuit.Change{{Seq: 6, Table: pursuit.TableAPIKeys, Key: 7}})
	if kc.applied != 5 || kc.keyChanged[7] != 0 {
		t.Fatalf("a batch of an old follower was applied: applied %d, changed %v", kc.applied, kc.keyChanged)
	}
	kc.put(sum, key, 5)
	if _, ok := kc.get(sum); !ok {
		t.Fatal("a good key was not served")
	}
	var many []pursuit.Change
	for i := range int64(maxChangedRows + 1) {
		many = append(many, pursuit.Change{Seq: 6 + i, Table: pursuit.TableAPIKeys, Key: 1000 + i})
	}
	kc.apply(2, many)
	if _, ok := kc.get(sum); ok {
		t.Fatal("a key cached before a start-over was served")
	}
	if len(kc.keyChanged) != 0 || kc.floor != kc.applied {
		t.Fatalf("after a start-over: %d changes kept, floor %d, applied %d", len(kc.keyChanged), kc.floor, kc.applied)
	}
	kc.put(sum, key, kc.applied-1)
	if _, ok := kc.get(sum); ok {
		t.Fatal("a key read before the start-over was served")
	}
}
