package lake

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/memblob" // mem:// buckets, for tests and demos
	_ "gocloud.dev/blob/s3blob"  // s3:// buckets

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// Location is where the lake lives: a local directory or an object store
// prefix, with one Delta table per folder named after the table.
type Location struct {
	// Dir is the local root directory, "" for object storage.
	Dir    string
	bucket *blob.Bucket
}

// OpenLocation opens a lake location: a directory path, or a URL such as
// s3://bucket/prefix?region=us-east-1 (any gocloud.dev/blob URL; the path
// becomes the key prefix).
func OpenLocation(ctx context.Context, where string) (*Location, error) {
	if where == "" {
		return nil, fmt.Errorf("lake location: empty path")
	}
	if !strings.Contains(where, "://") {
		return &Location{Dir: where}, nil
	}
	if strings.HasPrefix(where, "file://") {
		return &Location{Dir: strings.TrimPrefix(where, "file://")}, nil
	}
	u, err := url.Parse(where)
	if err != nil {
		return nil, fmt.Errorf("lake location %q: %w", where, err)
	}
	prefix := strings.Trim(u.Path, "/")
	u.Path = ""
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", u.Redacted(), err)
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix+"/")
	}
	return &Location{bucket: b}, nil
}

// Table returns the storage of one table of the lake.
func (l *Location) Table(name string) delta.Storage {
	if l.bucket != nil {
		return &delta.Bucket{B: blob.PrefixedBucket(l.bucket, name+"/")}
	}
	return &delta.Dir{Root: filepath.Join(l.Dir, name)}
}

// Close releases the bucket of an object store location.
func (l *Location) Close() error {
	if l.bucket != nil {
		return l.bucket.Close()
	}
	return nil
}
