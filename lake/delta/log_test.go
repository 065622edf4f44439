package delta

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gocloud.dev/blob/memblob"
)

// The tests that read the Delta tables Spark wrote are in lake/deltagolden.

func sp(s string) *string { return &s }

func storages(t *testing.T) map[string]Storage {
	return map[string]Storage{
		"dir":  &Dir{Root: t.TempDir()},
		"blob": &Bucket{B: memblob.OpenBucket(nil)},
	}
}

// TestConcurrentCommits races writers for the same versions: every
// version is written exactly once, losers get ErrConflict from Commit and
// Update retries them onto later versions.
func TestConcurrentCommits(t *testing.T) {
	ctx := context.Background()
	for name, st := range storages(t) {
		t.Run(name, func(t *testing.T) {
			tbl := &Table{Storage: st}
			if _, err := tbl.Commit(ctx, -1, []Action{
				{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
				{Metadata: &Metadata{ID: "x", Format: Format{Provider: "parquet"}, SchemaString: NewStruct(Field("id", "long")).String()}},
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := tbl.Commit(ctx, -1, nil); !errors.Is(err, ErrConflict) {
				t.Fatalf("second commit of version 0: err = %v, want ErrConflict", err)
			}
			const writers = 12
			var wg sync.WaitGroup
			versions := make([]int64, writers)
			errs := make([]error, writers)
			for i := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					versions[i], errs[i] = tbl.Update(ctx, func(s *Snapshot) ([]Action, error) {
						return []Action{{Add: &Add{Path: NewUUID(), PartitionValues: map[string]*string{}, Size: 1, DataChange: true}}}, nil
					})
				}()
			}
			wg.Wait()
			seen := map[int64]bool{}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("writer %d: %v", i, err)
				}
				if seen[versions[i]] {
					t.Errorf("version %d committed twice", versions[i])
				}
				seen[versions[i]] = true
			}
			s, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s.Version != writers || s.NumFiles() != writers {
				t.Errorf("snapshot version %d with %d files, want %d and %d", s.Version, s.NumFiles(), writers, writers)
			}
			// Version 10 got a checkpoint; a replay from it agrees.
			if _, err := st.Get(ctx, LogDir+"/_last_checkpoint"); err != nil {
				t.Errorf("_last_checkpoint: %v", err)
			}
		})
	}
}

// TestPaths checks partition directories and path encoding on awkward
// values: Hive escaping in the directory, URL escaping in the log, and
// the round trip back to the file's name.
func TestPaths(t *testing.T) {
	tests := []struct {
		value   *string
		dir     string
		encoded string
	}{
		{sp("NY"), "state_abbr=NY", "state_abbr=NY"},
		{sp("a b:c/d%e=f"), "state_abbr=a b%3Ac%2Fd%25e%3Df", "state_abbr=a%20b%253Ac%252Fd%2525e%253Df"},
		{nil, "state_abbr=__HIVE_DEFAULT_PARTITION__", "state_abbr=__HIVE_DEFAULT_PARTITION__"},
	}
	for _, tt := range tests {
		dir := PartitionDir([]string{"state_abbr"}, map[string]*string{"state_abbr": tt.value})
		if dir != tt.dir {
			t.Errorf("PartitionDir(%v) = %q, want %q", tt.value, dir, tt.dir)
		}
		enc := EncodePath(dir)
		if enc != tt.encoded {
			t.Errorf("EncodePath(%q) = %q, want %q", dir, enc, tt.encoded)
		}
		if dec, err := DecodePath(enc); err != nil || dec != dir {
			t.Errorf("DecodePath(%q) = %q, %v; want %q", enc, dec, err, dir)
		}
	}
}
