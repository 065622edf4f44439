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
func Export(ctx context.Context, s pursuit.Store, loc *Location, opt ExportOptions) ([]TableResult, error) {
	seq, err := s.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("read last change_log seq: %w", err)
	}
	src, err := load(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	var out []TableResult
	add := func(r TableResult, err error) error {
		if err != nil {
			return fmt.Errorf("export %s: %w", r.Table, err)
		}
		opt.log().Info("lake export", "table", r.Table, "version", r.Version, "rows", r.Rows, "files", r.Files, "bytes", r.Bytes, "elapsed", r.Elapsed.Round(time.Millisecond))
		out = append(out, r)
		return nil
	}
	if err := add(exportTable(ctx, loc, customersSpec, src.customers, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, placesSpec, src.places, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, contactsSpec, src.contacts, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, techStackSpec, src.techStack, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, placeGrantsSpec, src.placeGrants, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, contactGrantsSpec, src.contactGrants, seq, opt)); err != nil {
		return out, err
	}
	if err := add(exportTable(ctx, loc, mappingsSpec, src.mappings, seq, opt)); err != nil {
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

// exportTable writes rows as the table's whole new content.
func exportTable[T any](ctx context.Context, loc *Location, s *spec[T], rows []T, seq int64, opt ExportOptions) (TableResult, error) {
	start := time.Now()
	res := TableResult{Table: s.name, Rows: int64(len(rows))}
	st := loc.Table(s.name)
	adds, err := writeFiles(ctx, st, s, rows, layout(s, rows), "part", opt.Options)
	if err != nil {
		return res, err
	}
	for _, a := range adds {
		res.Bytes += a.Size
	}
	res.Files = len(adds)
	tbl := newTable(st, opt.Options)
	now := opt.now()
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
			map[string]string{"numFiles": fmt.Sprint(len(adds)), "numOutputRows": fmt.Sprint(len(rows)), "numOutputBytes": fmt.Sprint(res.Bytes)},
			snap == nil)
		return append([]delta.Action{ci}, acts...), nil
	})
	res.Elapsed = time.Since(start)
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
