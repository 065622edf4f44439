package transfer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// File formats of table files.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// checkFormat returns an EINVALID error for a format other than csv and
// jsonl.
func checkFormat(format string) error {
	if format != FormatCSV && format != FormatJSONL {
		return pursuit.FieldErrorf(pursuit.EINVALID, "format", "must be %q or %q, not %q", FormatCSV, FormatJSONL, format)
	}
	return nil
}

// DirWriter writes rows to one file per table of pursuit.DataTables in a
// directory: <table>.csv with a header row, or <table>.jsonl. It
// implements pursuit.BulkWriter, so the generator and Export write through
// it. Every table's file is created, even when no row is written to it.
// The same rows always give the same bytes. A DirWriter is not safe for
// concurrent use.
//
// Rows go to temporary files in the directory (".<table>.<format>.*.tmp");
// Close renames them to their table's name once every one was written
// completely, and Abort (or a failed Close) removes them, so a run that
// fails or is canceled leaves no truncated table file behind and the files
// of an earlier run as they were. The files are not synced to disk: a
// power failure may still lose them.
type DirWriter struct {
	dir    string
	format string
	files  map[string]*tableFile
	err    error
	closed bool
}

type tableFile struct {
	path string // the table's file, written by Close
	tmp  string // where the rows go until then
	f    *os.File
	w    *bufio.Writer
	rows int64
}

var _ pursuit.BulkWriter = (*DirWriter)(nil)

// NewDirWriter creates dir if needed and, in it, a temporary file for every
// table in format ("csv" or "jsonl"); Close replaces the tables' files by
// them.
func NewDirWriter(dir, format string) (*DirWriter, error) {
	if err := checkFormat(format); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	d := &DirWriter{dir: dir, format: format, files: make(map[string]*tableFile)}
	for _, table := range pursuit.DataTables {
		name := table + "." + format
		f, err := os.CreateTemp(dir, "."+name+".*.tmp")
		if err == nil {
			// CreateTemp makes the file private; table files are not.
			err = f.Chmod(0o644)
		}
		if err != nil {
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
			d.Abort()
			return nil, fmt.Errorf("create %s: %w", filepath.Join(dir, name), err)
		}
		tf := &tableFile{path: filepath.Join(dir, name), tmp: f.Name(), f: f, w: bufio.NewWriterSize(f, 1<<20)}
		d.files[table] = tf
		if format == FormatCSV {
			tf.w.Write(appendHeader(nil, table))
		}
	}
	return d, nil
}

// appendHeader appends the CSV header row of table.
func appendHeader(b []byte, table string) []byte {
	switch table {
	case pursuit.TableCustomers:
		return customerSpec.appendCSVHeader(b)
	case pursuit.TablePlaces:
		return placeSpec.appendCSVHeader(b)
	case pursuit.TableContacts:
		return contactSpec.appendCSVHeader(b)
	case pursuit.TableTechStack:
		return techStackSpec.appendCSVHeader(b)
	case pursuit.TableCustomerPlaceRelation:
		return placeGrantSpec.appendCSVHeader(b)
	case pursuit.TableCustomerContactRelation:
		return contactGrantSpec.appendCSVHeader(b)
	case pursuit.TableCustomerMapping:
		return mappingSpec.appendCSVHeader(b)
	}
	return b
}

// Path returns the path of table's file.
func (d *DirWriter) Path(table string) string {
	return filepath.Join(d.dir, table+"."+d.format)
}

// Rows returns how many rows of table have been written.
func (d *DirWriter) Rows(table string) int64 {
	if tf := d.files[table]; tf != nil {
		return tf.rows
	}
	return 0
}

func writeRows[T any](d *DirWriter, sp *spec[T], rows []T) error {
	if d.err != nil {
		return d.err
	}
	tf := d.files[sp.table]
	if d.closed || tf == nil {
		return errors.New("transfer: write to a closed DirWriter")
	}
	csv := d.format == FormatCSV
	for i := range rows {
		b := tf.w.AvailableBuffer()
		if csv {
			b = sp.appendCSV(b, &rows[i])
		} else {
			b = sp.appendJSON(b, &rows[i])
		}
		if _, err := tf.w.Write(b); err != nil {
			d.err = fmt.Errorf("write %s: %w", tf.path, err)
			return d.err
		}
	}
	tf.rows += int64(len(rows))
	return nil
}

// UpsertCustomers appends rows to customers.
func (d *DirWriter) UpsertCustomers(ctx context.Context, rows []pursuit.Customer) error {
	return writeRows(d, customerSpec, rows)
}

// UpsertPlaces appends rows to places.
func (d *DirWriter) UpsertPlaces(ctx context.Context, rows []pursuit.Place) error {
	return writeRows(d, placeSpec, rows)
}

// UpsertContacts appends rows to contacts.
func (d *DirWriter) UpsertContacts(ctx context.Context, rows []pursuit.Contact) error {
	return writeRows(d, contactSpec, rows)
}

// UpsertTechStack appends rows to tech_stack.
func (d *DirWriter) UpsertTechStack(ctx context.Context, rows []pursuit.TechStack) error {
	return writeRows(d, techStackSpec, rows)
}

// UpsertPlaceGrants appends rows to customer_place_relation.
func (d *DirWriter) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	return writeRows(d, placeGrantSpec, rows)
}

// UpsertContactGrants appends rows to customer_contact_relation.
func (d *DirWriter) UpsertContactGrants(ctx context.Context, rows []pursuit.CustomerContactRelation) error {
	return writeRows(d, contactGrantSpec, rows)
}

// UpsertCustomerMappings appends rows to customer_mapping.
func (d *DirWriter) UpsertCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) error {
	return writeRows(d, mappingSpec, rows)
}

// Close flushes and closes every file and, when all were written
// completely, renames them to their tables' names. It returns the first
// error, if any, and then leaves no temporary file behind (a failed rename
// leaves the tables renamed before it in place). Rows still reports the
// counts afterwards.
func (d *DirWriter) Close() error {
	if d.closed {
		return d.err
	}
	d.closed = true
	err := d.err
	for _, table := range pursuit.DataTables {
		tf := d.files[table]
		if tf == nil {
			continue
		}
		if ferr := tf.w.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("write %s: %w", tf.path, ferr)
		}
		if cerr := tf.f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", tf.path, cerr)
		}
	}
	for _, table := range pursuit.DataTables {
		tf := d.files[table]
		if tf == nil {
			continue
		}
		if err == nil {
			if rerr := os.Rename(tf.tmp, tf.path); rerr != nil {
				err = fmt.Errorf("write %s: %w", tf.path, rerr)
			} else {
				continue
			}
		}
		os.Remove(tf.tmp)
	}
	d.err = err
	return err
}

// Abort closes and removes the temporary files without touching the
// tables' files: what a failed run calls instead of Close. After Close it
// does nothing, so `defer d.Abort()` is safe.
func (d *DirWriter) Abort() {
	if d.closed {
		return
	}
	d.closed = true
	if d.err == nil {
		d.err = errors.New("transfer: DirWriter aborted")
	}
	for _, tf := range d.files {
		tf.f.Close()
		os.Remove(tf.tmp)
	}
}

// Export writes every table of pursuit.DataTables of s to dir in format
// ("csv" or "jsonl"), one <table>.<format> file each, rows in primary-key
// order as the store's Scan methods stream them. Importing the files into
// an empty store gives back the same rows, field for field. Each table is
// read on its own, so an export taken while others write may see a later
// state of one table than of another. The files appear only when every
// table was written: a failed export leaves dir's files as they were.
func Export(ctx context.Context, s pursuit.Store, dir, format string) ([]TableStats, error) {
	d, err := NewDirWriter(dir, format)
	if err != nil {
		return nil, err
	}
	var stats []TableStats
	for _, table := range pursuit.DataTables {
		t := time.Now()
		var err error
		switch table {
		case pursuit.TableCustomers:
			err = exportTable(ctx, s, d, customerSpec)
		case pursuit.TablePlaces:
			err = exportTable(ctx, s, d, placeSpec)
		case pursuit.TableContacts:
			err = exportTable(ctx, s, d, contactSpec)
		case pursuit.TableTechStack:
			err = exportTable(ctx, s, d, techStackSpec)
		case pursuit.TableCustomerPlaceRelation:
			err = exportTable(ctx, s, d, placeGrantSpec)
		case pursuit.TableCustomerContactRelation:
			err = exportTable(ctx, s, d, contactGrantSpec)
		case pursuit.TableCustomerMapping:
			err = exportTable(ctx, s, d, mappingSpec)
		}
		if err != nil {
			d.Abort()
			return stats, fmt.Errorf("export %s: %w", table, err)
		}
		stats = append(stats, TableStats{Table: table, Files: []string{d.Path(table)}, Rows: d.Rows(table), Elapsed: time.Since(t)})
	}
	if err := d.Close(); err != nil {
		return stats, err
	}
	return stats, nil
}

func exportTable[T any](ctx context.Context, s pursuit.Store, d *DirWriter, sp *spec[T]) error {
	rows := make([]T, 0, 1024)
	err := sp.scan(ctx, s, func(r T) error {
		rows = append(rows, r)
		if len(rows) == cap(rows) {
			if err := writeRows(d, sp, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeRows(d, sp, rows)
}
