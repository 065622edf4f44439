package lake

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// AppID is the txn application id under which exports and syncs record
// the last change_log seq they applied.
const AppID = "pursuit"

// ExportOptions selects what Export writes.
type ExportOptions struct {
	Options
	// IncludePII writes emails and phones unmasked. Without it they are
	// masked with pursuit.MaskEmail and pursuit.MaskPhone.
	IncludePII bool
	// CustomerID, when set, exports only what that customer was granted,
	// with its access types applied (masked contacts masked).
	CustomerID int64
	// SpillDir is where an export keeps the rows of partitioned tables
	// between the store's scan and the writing of each partition; ""
	// means the system's temporary directory. It needs about the size of
	// the contacts table as the store holds it.
	SpillDir string
	// Log receives progress; nil means slog.Default().
	Log *slog.Logger
}

func (o ExportOptions) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

// TableResult is what one export or sync did to one table.
type TableResult struct {
	Table   string
	Version int64
	Rows    int64
	Files   int
	Bytes   int64
	Elapsed time.Duration
}

// Export writes every table of the store to the lake as a new version:
// the first export creates each table (protocol, metadata with Change Data
// Feed enabled), later ones replace all its files. Each table's commit
// records the store's change_log seq read before the scan in a txn action,
// so Sync continues from there.
//
// Export streams: the tables that are not partitioned arrive from the
// store in key order, which is their file order, and go straight into
// row groups and files; the partitioned ones (places, contacts) are
// spilled to one temporary file per partition during the scan, then
// each partition is read back alone, ordered (contacts in Z-order) and
// written, Options.Workers partitions at a time. Memory is bounded by
// the largest partitions, not by the store.
func Export(ctx context.Context, s pursuit.Store, loc *Location, opt ExportOptions) ([]TableResult, error) {
	seq, err := s.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("read last change_log seq: %w", err)
	}
	start := time.Now()
	expect := func(table string) int64 {
		if opt.CustomerID != 0 {
			return 0 // unknown until the scope is applied
		}
		n, _ := s.Count(ctx, table)
		return n
	}
	cu := newTableExport(ctx, loc, customersSpec, expect(pursuit.TableCustomers), opt)
	pl := newTableExport(ctx, loc, placesSpec, 0, opt)
	co := newTableExport(ctx, loc, contactsSpec, 0, opt)
	ts := newTableExport(ctx, loc, techStackSpec, expect(pursuit.TableTechStack), opt)
	pg := newTableExport(ctx, loc, placeGrantsSpec, expect(pursuit.TableCustomerPlaceRelation), opt)
	cg := newTableExport(ctx, loc, contactGrantsSpec, expect(pursuit.TableCustomerContactRelation), opt)
	ma := newTableExport(ctx, loc, mappingsSpec, expect(pursuit.TableCustomerMapping), opt)
	all := []interface {
		finish() error
		close()
	}{cu, pl, co, ts, pg, cg, ma}
	defer func() {
		for _, t := range all {
			t.close()
		}
	}()
	err = scan(ctx, s, opt, sinks{customer: cu.add, place: pl.add, contact: co.add, techStack: ts.add,
		placeGrant: pg.add, contactGrant: cg.add, mapping: ma.add})
	if err != nil {
		return nil, err
	}
	opt.log().Info("lake export: store read", "places", pl.rows, "contacts", co.rows, "elapsed", time.Since(start).Round(time.Millisecond))
	for _, t := range all {
		if err := t.finish(); err != nil {
			return nil, err
		}
	}
	var out []TableResult
	add := func(r TableResult, err error) error {
		if err != nil {
			return fmt.Errorf("export %s: %w", r.Table, err)
		}
		r.Elapsed = time.Since(start)
		opt.log().Info("lake export", "table", r.Table, "version", r.Version, "rows", r.Rows, "files", r.Files, "bytes", r.Bytes, "elapsed", r.Elapsed.Round(time.Millisecond))
		out = append(out, r)
		return nil
	}
	if err := add(cu.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(pl.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(co.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(ts.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(pg.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(cg.commit(ctx, seq)); err != nil {
		return out, err
	}
	if err := add(ma.commit(ctx, seq)); err != nil {
		return out, err
	}
	return out, nil
}

// Table properties recording how an export was scoped, so that Sync
// applies the same masking and customer filter.
const (
	ConfigPII      = "pursuit.pii"
	ConfigCustomer = "pursuit.customerId"
)

// protocol is what our tables need: Change Data Feed is a writer
// version 4 feature; readers need nothing beyond version 1.
var protocol = delta.Protocol{MinReaderVersion: 1, MinWriterVersion: 4}

func (s *spec[T]) metadata(now time.Time, opt ExportOptions) delta.Metadata {
	pii := "masked"
	if opt.IncludePII {
		pii = "included"
	}
	return delta.Metadata{
		ID:               delta.NewUUID(),
		Name:             s.name,
		Format:           delta.Format{Provider: "parquet", Options: map[string]string{}},
		SchemaString:     delta.NewStruct(s.fields...).String(),
		PartitionColumns: s.partitionColumns(),
		Configuration: map[string]string{
			"delta.enableChangeDataFeed": "true",
			"delta.checkpointInterval":   fmt.Sprint(delta.CheckpointInterval),
			ConfigPII:                    pii,
			ConfigCustomer:               fmt.Sprint(opt.CustomerID),
		},
		CreatedTime: now.UnixMilli(),
	}
}

func newTable(st delta.Storage, o Options) *delta.Table {
	return &delta.Table{Storage: st, Now: o.Now, EngineInfo: "pursuit-lake parquet-go"}
}

// commit records the table's new files as its whole new content.
func (t *tableExport[T]) commit(ctx context.Context, seq int64) (TableResult, error) {
	s, opt, adds := t.s, t.opt, t.adds
	res := TableResult{Table: s.name, Rows: t.rows, Files: len(adds)}
	for _, a := range adds {
		res.Bytes += a.Size
	}
	tbl := newTable(t.st, opt.Options)
	now := opt.now()
	var err error
	res.Version, err = tbl.Update(ctx, func(snap *delta.Snapshot) ([]delta.Action, error) {
		mode := "Overwrite"
		var acts []delta.Action
		if snap == nil {
			mode = "ErrorIfExists"
			md := s.metadata(now, opt)
			acts = append(acts, delta.Action{Protocol: &protocol}, delta.Action{Metadata: &md})
		} else {
			// Restate the metadata: the schema or the export's scope may
			// have changed; the table keeps its id.
			md := s.metadata(now, opt)
			md.ID, md.CreatedTime = snap.Metadata.ID, snap.Metadata.CreatedTime
			acts = append(acts, delta.Action{Metadata: &md})
			for _, f := range snap.Files() {
				acts = append(acts, delta.Action{Remove: &delta.Remove{Path: f.Path, DeletionTimestamp: now.UnixMilli(),
					DataChange: true, ExtendedFileMetadata: true, PartitionValues: f.PartitionValues, Size: f.Size}})
			}
		}
		for i := range adds {
			acts = append(acts, delta.Action{Add: &adds[i]})
		}
		acts = append(acts, delta.Action{Txn: &delta.Txn{AppID: AppID, Version: seq, LastUpdated: now.UnixMilli()}})
		ci := tbl.NewCommitInfo("WRITE", map[string]any{"mode": mode, "partitionBy": jsonList(s.partitionColumns())},
			map[string]string{"numFiles": fmt.Sprint(len(adds)), "numOutputRows": fmt.Sprint(t.rows), "numOutputBytes": fmt.Sprint(res.Bytes)},
			snap == nil)
		return append([]delta.Action{ci}, acts...), nil
	})
	return res, err
}

// jsonList encodes column names the way commitInfo parameters hold them:
// a JSON array inside a string.
func jsonList(cols []string) string {
	if cols == nil {
		cols = []string{}
	}
	b, _ := json.Marshal(cols)
	return string(b)
}
