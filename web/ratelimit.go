package web

import (
	"sync"
	"time"
)

// signInLimiter limits sign-in attempts per key (a client address, an
// email) with a token bucket per key: burst attempts at once, then rate
// per second. Failed and successful attempts both count, so guessing a
// password is slow from one address and against one account.
type signInLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory; past it, full buckets go.
const maxBuckets = 100000

func newSignInLimiter(rate float64, burst int, now func() time.Time) *signInLimiter {
	return &signInLimiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from every key's bucket, or none when one of them
// is empty, and returns how long to wait in that case.
func (l *signInLimiter) allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > maxBuckets {
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
	}
	bs := make([]*bucket, len(keys))
	var wait time.Duration
	for i, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{tokens: l.burst, last: now}
			l.buckets[k] = b
		}
		b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)/l.rate*float64(time.Second)))
		}
		bs[i] = b
	}
	if wait > 0 {
		return false, wait
	}
	for _, b := range bs {
		b.tokens--
	}
	return true, 0
}
