//go:build race

package search

// raceEnabled is true under the race detector. The long property tests
// then take fewer seeds and rounds: the race run is there for the
// concurrent paths (the build's goroutines, following, loading on all
// cores), which one seed takes, and the full sweep runs in the ordinary
// test run; under the detector it was most of .ci/run's time.
const raceEnabled = true
