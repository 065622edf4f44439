package httpapi

import (
	"context"
	"sync"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// keyCache holds the API keys this server has looked up, by the SHA-256
// of the key, so that a request does not read its key from the store. It
// has no timer: it follows the change log (through the search index's
// follower, search.Index.Subscribe), and a key stops being served from it
// the moment the log shows a change of the key's row (a revoke, a delete)
// or of its customer's row (a delete, which also deletes the key by
// cascade). Every server over a store follows the same log, so a key
// revoked through one server is refused by all of them as soon as each
// has read the revoke, without waiting for anything to expire.
//
// The race it must not lose: a request reads a key's row at time T, a
// revoke commits right after, and the follower reads the revoke before
// the request puts the row in the cache, which would then serve a
// revoked key. So each entry carries the sequence number the change log
// had reached before its row was read (seq), and the cache remembers the
// sequence number of the last change of every key and customer it has
// seen (changed): an entry is served only while no change of its key or
// customer after its seq is known, and only once the follower has read
// the log up to its seq (so none it should know of is missing). Changes
// up to seq were committed before the row was read and are in it.
type keyCache struct {
	mu        sync.Mutex
	following bool  // fed by a follower; without one nothing is cached
	applied   int64 // the change log is read up to here
	floor     int64 // entries read before this are void (the maps start here)
	keys      map[[32]byte]keyEntry
	// keyChanged and custChanged map an api_key_id or customer_id to the
	// sequence number of its last change seen after floor.
	keyChanged  map[int64]int64
	custChanged map[int64]int64
	gen         int // counts follow calls
	cancel      func()
	synced      chan struct{} // closed and replaced when applied moves
}

// keyEntry is a cached key row and the change log's position before it
// was read.
type keyEntry struct {
	key pursuit.APIKey
	seq int64
}

// Bounds of the cache's memory: past them it starts over (empty, with
// floor at the log's position), which costs a store read per key.
const (
	maxCachedKeys  = 10000
	maxChangedRows = 100000
)

func newKeyCache() *keyCache {
	return &keyCache{
		keys: map[[32]byte]keyEntry{}, keyChanged: map[int64]int64{}, custChanged: map[int64]int64{},
		synced: make(chan struct{}),
	}
}

// follow makes the cache follow ix's change log, replacing the index it
// followed before, and starts it over.
func (kc *keyCache) follow(ix *search.Index) {
	// Start over before subscribing: the subscriber may get its first
	// batch before Subscribe returns its position, and those changes
	// must be kept. gen tells the old subscription's late batches apart.
	kc.mu.Lock()
	kc.gen++
	gen := kc.gen
	cancel := kc.cancel
	kc.cancel = nil
	kc.following = false
	kc.applied = 0 // the new follower's batches and position set it
	clear(kc.keys)
	clear(kc.keyChanged)
	clear(kc.custChanged)
	kc.mu.Unlock()
	// The old subscription ends outside kc.mu: its follower may be
	// holding its subscribers' lock while it waits for kc.mu in apply.
	if cancel != nil {
		cancel()
	}
	if ix == nil {
		return
	}
	seq, cancel := ix.Subscribe(func(changes []pursuit.Change) { kc.apply(gen, changes) })
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if kc.gen != gen {
		cancel() // a later follow call won
		return
	}
	kc.cancel = cancel
	kc.following = true
	kc.floor = seq
	kc.applied = max(kc.applied, seq)
	close(kc.synced)
	kc.synced = make(chan struct{})
}

// reset empties the cache and its change maps, from the position read so
// far: what was cached before cannot be judged any more.
func (kc *keyCache) reset() {
	kc.floor = kc.applied
	clear(kc.keys)
	clear(kc.keyChanged)
	clear(kc.custChanged)
	close(kc.synced)
	kc.synced = make(chan struct{})
}

// apply takes a batch of changes from the follower of generation gen
// (search.Index.Subscribe): it may see a batch twice, and records only
// the latest change per row.
func (kc *keyCache) apply(gen int, changes []pursuit.Change) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if gen != kc.gen {
		return
	}
	for _, ch := range changes {
		switch ch.Table {
		case pursuit.TableAPIKeys:
			kc.keyChanged[ch.Key] = max(kc.keyChanged[ch.Key], ch.Seq)
		case pursuit.TableCustomers:
			kc.custChanged[ch.Key] = max(kc.custChanged[ch.Key], ch.Seq)
		}
		kc.applied = max(kc.applied, ch.Seq)
	}
	if len(kc.keyChanged)+len(kc.custChanged) > maxChangedRows {
		kc.reset()
		return
	}
	close(kc.synced)
	kc.synced = make(chan struct{})
}

// changed records a change this server made itself (a revoke, a customer
// delete), committed at or before seq, so that the cache forgets the key
// at once rather than when the follower reads it. keyID or customerID may
// be 0.
func (kc *keyCache) changed(keyID, customerID, seq int64) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if !kc.following {
		return
	}
	if keyID != 0 {
		kc.keyChanged[keyID] = max(kc.keyChanged[keyID], seq)
	}
	if customerID != 0 {
		kc.custChanged[customerID] = max(kc.custChanged[customerID], seq)
	}
}

// isFollowing reports whether the cache follows a change log: without a
// follower, a key is read from the store on every request.
func (kc *keyCache) isFollowing() bool {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	return kc.following
}

// get returns a cached key that is still good.
func (kc *keyCache) get(sum [32]byte) (pursuit.APIKey, bool) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	e, ok := kc.keys[sum]
	if !ok {
		return pursuit.APIKey{}, false
	}
	if !kc.good(e) {
		if kc.applied >= e.seq {
			// A change after it is known: it will never be good again.
			delete(kc.keys, sum)
		}
		return pursuit.APIKey{}, false
	}
	return e.key, true
}

// good reports whether an entry may be served: the cache follows, the
// entry was read after floor, the log is read up to its position, and no
// change of its key or its customer after that position is known.
func (kc *keyCache) good(e keyEntry) bool {
	return kc.following && e.seq >= kc.floor && kc.applied >= e.seq &&
		kc.keyChanged[e.key.APIKeyID] <= e.seq &&
		(e.key.CustomerID == 0 || kc.custChanged[e.key.CustomerID] <= e.seq)
}

// put caches a key row read after the change log had reached seq.
func (kc *keyCache) put(sum [32]byte, k pursuit.APIKey, seq int64) {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if !kc.following || seq < kc.floor {
		return
	}
	if len(kc.keys) >= maxCachedKeys {
		clear(kc.keys)
	}
	kc.keys[sum] = keyEntry{key: k, seq: seq}
}

// wait returns once the cache has read the change log up to seq, or with
// ctx's error.
func (kc *keyCache) wait(ctx context.Context, seq int64) error {
	for {
		kc.mu.Lock()
		applied, ch := kc.applied, kc.synced
		kc.mu.Unlock()
		if applied >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
