package crm

import (
	"context"
	"testing"
)

// BenchmarkMatcher builds a matcher over 20,000 places and matches 20,000
// noisy accounts per iteration.
func BenchmarkMatcher(b *testing.B) {
	places := testPlaces(b)
	accts, _ := NoisyExport(places, NoisyConfig{Seed: 1, Accounts: 20_000})
	b.ResetTimer()
	for b.Loop() {
		m := NewMatcherFromPlaces(places)
		if _, err := m.MatchAll(context.Background(), accts, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalize normalises place names.
func BenchmarkNormalize(b *testing.B) {
	places := testPlaces(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Normalize(places[i%len(places)].Name)
	}
}
