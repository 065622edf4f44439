package transfer

import (
	"context"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Export writes every table of pursuit.DataTables of s to dir in format
// ("csv" or "jsonl"), one <table>.<format> file each, rows in primary-key
// order as the store's Scan methods stream them. Importing the files into
// an empty store gives back the same rows, field for field. Each table is
// read on its own, so an export taken while others write may see a later
// state of one table than of another.
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
			d.Close()
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
