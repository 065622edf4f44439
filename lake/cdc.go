package lake

import (
	"context"
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// Change types of the Change Data Feed's _change_type column.
const (
	ChangeInsert          = "insert"
	ChangeUpdatePreimage  = "update_preimage"
	ChangeUpdatePostimage = "update_postimage"
	ChangeDelete          = "delete"
)

// ChangeDataDir is the folder of Change Data Feed files.
const ChangeDataDir = "_change_data"

// The *CDC types are the rows of _change_data files: a table row plus its
// _change_type.
type (
	placeCDC struct {
		PlaceRow
		ChangeType string `parquet:"_change_type"`
	}
	contactCDC struct {
		ContactRow
		ChangeType string `parquet:"_change_type"`
	}
	techStackCDC struct {
		TechStackRow
		ChangeType string `parquet:"_change_type"`
	}
	customerCDC struct {
		CustomerRow
		ChangeType string `parquet:"_change_type"`
	}
	placeGrantCDC struct {
		PlaceGrantRow
		ChangeType string `parquet:"_change_type"`
	}
	contactGrantCDC struct {
		ContactGrantRow
		ChangeType string `parquet:"_change_type"`
	}
	mappingCDC struct {
		MappingRow
		ChangeType string `parquet:"_change_type"`
	}
)

// change is one Change Data Feed row.
type change[T any] struct {
	row  T
	typ  string
	part string
}

// cdcFunc writes change rows as one parquet file and returns its size.
type cdcFunc[T any] func(ctx context.Context, st delta.Storage, name string, rows []change[T], o Options) (int64, error)

func cdcWriter[T, C any](mk func(T, string) C) cdcFunc[T] {
	return func(ctx context.Context, st delta.Storage, name string, rows []change[T], o Options) (int64, error) {
		out := make([]C, len(rows))
		for i, r := range rows {
			out[i] = mk(r.row, r.typ)
		}
		wc, err := st.Create(ctx, name)
		if err != nil {
			return 0, fmt.Errorf("create %s: %w", name, err)
		}
		cw := &countingWriter{w: wc}
		w := parquet.NewGenericWriter[C](cw, writerOptions(o)...)
		if _, err := w.Write(out); err != nil {
			wc.Close()
			return 0, fmt.Errorf("write %s: %w", name, err)
		}
		if err := w.Close(); err != nil {
			wc.Close()
			return 0, fmt.Errorf("write %s: %w", name, err)
		}
		if err := wc.Close(); err != nil {
			return 0, fmt.Errorf("close %s: %w", name, err)
		}
		return cw.n, nil
	}
}

// writeChanges writes one cdc file per partition and returns the cdc
// actions.
func writeChanges[T any](ctx context.Context, st delta.Storage, s *spec[T], changes []change[T], o Options) ([]delta.CDC, error) {
	byPart := map[string][]change[T]{}
	var parts []string
	for _, c := range changes {
		if _, ok := byPart[c.part]; !ok {
			parts = append(parts, c.part)
		}
		byPart[c.part] = append(byPart[c.part], c)
	}
	var out []delta.CDC
	for _, p := range parts {
		dir := ChangeDataDir
		if pd := s.partitionDir(p); pd != "" {
			dir += "/" + pd
		}
		name := dataFileName(dir, "cdc-00000")
		size, err := s.cdc(ctx, st, name, byPart[p], o)
		if err != nil {
			return nil, err
		}
		out = append(out, delta.CDC{Path: delta.EncodePath(name), PartitionValues: s.partitionValues(p), Size: size, DataChange: false})
	}
	return out, nil
}
