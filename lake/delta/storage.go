package delta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrConflict is returned by Storage.PutIfAbsent when the name already
// exists: another writer committed that version first.
var ErrConflict = errors.New("delta: version already committed")

// ErrNotExist is returned by Storage.Get for a missing name.
var ErrNotExist = errors.New("delta: file does not exist")

// FileInfo describes one stored file.
type FileInfo struct {
	// Name is the path relative to the storage root, with '/' separators.
	Name    string
	Size    int64
	ModTime time.Time
}

// Storage is where a table lives: a local directory or an object store
// bucket. Names are relative, '/'-separated paths.
type Storage interface {
	// Get returns the whole content of name, or ErrNotExist.
	Get(ctx context.Context, name string) ([]byte, error)
	// Open returns a reader of name and its size, for parquet footers.
	Open(ctx context.Context, name string) (ReaderAtCloser, int64, error)
	// Put writes name, replacing it if it exists.
	Put(ctx context.Context, name string, data []byte) error
	// PutIfAbsent writes name only if it does not exist yet, atomically: a
	// reader sees either nothing or the whole content. It returns
	// ErrConflict when name exists.
	PutIfAbsent(ctx context.Context, name string, data []byte) error
	// Create returns a writer of name; the file appears when Close
	// returns nil.
	Create(ctx context.Context, name string) (io.WriteCloser, error)
	// List returns the files whose names start with prefix, sorted by name.
	List(ctx context.Context, prefix string) ([]FileInfo, error)
	// Delete removes name; a missing name is not an error.
	Delete(ctx context.Context, name string) error
	// LocalPath returns the file system path of name, or "" when the
	// storage is not a local directory.
	LocalPath(name string) string
}

// ReaderAtCloser is an io.ReaderAt that must be closed.
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
}

// Dir is a Storage on a local directory.
type Dir struct {
	Root string
}

// NewDir returns the Storage of directory root, creating it if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create table directory: %w", err)
	}
	return &Dir{Root: root}, nil
}

func (d *Dir) path(name string) string { return filepath.Join(d.Root, filepath.FromSlash(name)) }

// LocalPath returns the path of name under Root.
func (d *Dir) LocalPath(name string) string { return d.path(name) }

// Get reads name.
func (d *Dir) Get(ctx context.Context, name string) ([]byte, error) {
	b, err := os.ReadFile(d.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotExist)
	}
	return b, err
}

// Open opens name for reading.
func (d *Dir) Open(ctx context.Context, name string) (ReaderAtCloser, int64, error) {
	f, err := os.Open(d.path(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, fmt.Errorf("%s: %w", name, ErrNotExist)
		}
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Put writes name through a temporary file renamed into place.
func (d *Dir) Put(ctx context.Context, name string, data []byte) error {
	tmp, err := d.temp(name, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, d.path(name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// PutIfAbsent writes a temporary file and hard-links it to name: link(2)
// fails when name exists, so two writers of one version cannot both win
// and no reader sees a partial commit.
func (d *Dir) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	tmp, err := d.temp(name, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, d.path(name)); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", name, ErrConflict)
		}
		return err
	}
	return nil
}

func (d *Dir) temp(name string, data []byte) (string, error) {
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Create creates name (and its directories) for writing.
func (d *Dir) Create(ctx context.Context, name string) (io.WriteCloser, error) {
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

// List walks the directory holding prefix.
func (d *Dir) List(ctx context.Context, prefix string) ([]FileInfo, error) {
	var out []FileInfo
	start := d.Root
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = d.path(prefix[:i])
	}
	err := filepath.WalkDir(start, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if de.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(d.Root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, prefix) {
			return nil
		}
		info, err := de.Info()
		if err != nil {
			return nil
		}
		out = append(out, FileInfo{Name: rel, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Delete removes name and then any directories it leaves empty.
func (d *Dir) Delete(ctx context.Context, name string) error {
	err := os.Remove(d.path(name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if os.Remove(d.path(dir)) != nil {
			break
		}
	}
	return nil
}
