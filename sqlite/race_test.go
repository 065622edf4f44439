//go:build race

package sqlite

// raceEnabled is true under the race detector, where the deterministic,
// single-goroutine sweeps here run in the ordinary test run only: under
// the detector the transpiled C of SQLite runs many times slower.
const raceEnabled = true
