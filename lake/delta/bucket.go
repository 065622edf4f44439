package delta

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Bucket is a Storage on a gocloud.dev/blob bucket (S3, GCS, Azure, or the
// in-memory bucket). Open it with blob.OpenBucket and, for a table under a
// prefix, blob.PrefixedBucket.
type Bucket struct {
	B *blob.Bucket
}

// Get reads key.
func (b *Bucket) Get(ctx context.Context, name string) ([]byte, error) {
	data, err := b.B.ReadAll(ctx, name)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%s: %w", name, ErrNotExist)
	}
	return data, err
}

// Open returns a ReaderAt doing ranged reads of key.
func (b *Bucket) Open(ctx context.Context, name string) (ReaderAtCloser, int64, error) {
	attrs, err := b.B.Attributes(ctx, name)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, 0, fmt.Errorf("%s: %w", name, ErrNotExist)
		}
		return nil, 0, err
	}
	return &rangeReader{ctx: ctx, b: b.B, key: name}, attrs.Size, nil
}

type rangeReader struct {
	ctx context.Context
	b   *blob.Bucket
	key string
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	rr, err := r.b.NewRangeReader(r.ctx, r.key, off, int64(len(p)), nil)
	if err != nil {
		return 0, err
	}
	defer rr.Close()
	n, err := io.ReadFull(rr, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

func (r *rangeReader) Close() error { return nil }

// Put writes key unconditionally.
func (b *Bucket) Put(ctx context.Context, name string, data []byte) error {
	return b.B.WriteAll(ctx, name, data, nil)
}

// PutIfAbsent writes key with If-None-Match: * (WriterOptions.IfNotExist),
// which S3 and the other providers refuse when the key exists.
func (b *Bucket) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	err := b.B.WriteAll(ctx, name, data, &blob.WriterOptions{IfNotExist: true})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return fmt.Errorf("%s: %w", name, ErrConflict)
	}
	return err
}

// Create returns a writer of key.
func (b *Bucket) Create(ctx context.Context, name string) (io.WriteCloser, error) {
	return b.B.NewWriter(ctx, name, nil)
}

// List lists the keys under prefix.
func (b *Bucket) List(ctx context.Context, prefix string) ([]FileInfo, error) {
	var out []FileInfo
	it := b.B.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if obj.IsDir {
			continue
		}
		out = append(out, FileInfo{Name: obj.Key, Size: obj.Size, ModTime: obj.ModTime})
	}
	return out, nil
}

// Delete deletes key; a missing key is not an error.
func (b *Bucket) Delete(ctx context.Context, name string) error {
	err := b.B.Delete(ctx, name)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return err
}

// LocalPath returns "": bucket files are not on the local file system.
func (b *Bucket) LocalPath(name string) string { return "" }
