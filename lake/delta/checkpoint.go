package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// The cp* types are the rows of a V1 checkpoint parquet file, with the
// schema Spark writes (see the golden table checkpoint/): one optional
// group per action kind, exactly one of them set per row.
type cpRow struct {
	Txn            *cpTxn      `parquet:"txn,optional"`
	Add            *cpAdd      `parquet:"add,optional"`
	Remove         *cpRemove   `parquet:"remove,optional"`
	MetaData       *cpMetadata `parquet:"metaData,optional"`
	Protocol       *cpProtocol `parquet:"protocol,optional"`
	DomainMetadata *cpDomain   `parquet:"domainMetadata,optional"`
}

type cpTxn struct {
	AppID       *string `parquet:"appId,optional"`
	Version     *int64  `parquet:"version,optional"`
	LastUpdated *int64  `parquet:"lastUpdated,optional"`
}

type cpDV struct {
	StorageType    *string `parquet:"storageType,optional"`
	PathOrInlineDv *string `parquet:"pathOrInlineDv,optional"`
	Offset         *int32  `parquet:"offset,optional"`
	SizeInBytes    *int32  `parquet:"sizeInBytes,optional"`
	Cardinality    *int64  `parquet:"cardinality,optional"`
	MaxRowIndex    *int64  `parquet:"maxRowIndex,optional"`
}

type cpAdd struct {
	Path                    *string            `parquet:"path,optional"`
	PartitionValues         map[string]*string `parquet:"partitionValues,optional" parquet-value:",optional"`
	Size                    *int64             `parquet:"size,optional"`
	ModificationTime        *int64             `parquet:"modificationTime,optional"`
	DataChange              *bool              `parquet:"dataChange,optional"`
	Tags                    map[string]*string `parquet:"tags,optional" parquet-value:",optional"`
	DeletionVector          *cpDV              `parquet:"deletionVector,optional"`
	BaseRowID               *int64             `parquet:"baseRowId,optional"`
	DefaultRowCommitVersion *int64             `parquet:"defaultRowCommitVersion,optional"`
	Stats                   *string            `parquet:"stats,optional"`
}

type cpRemove struct {
	Path                    *string            `parquet:"path,optional"`
	DeletionTimestamp       *int64             `parquet:"deletionTimestamp,optional"`
	DataChange              *bool              `parquet:"dataChange,optional"`
	ExtendedFileMetadata    *bool              `parquet:"extendedFileMetadata,optional"`
	PartitionValues         map[string]*string `parquet:"partitionValues,optional" parquet-value:",optional"`
	Size                    *int64             `parquet:"size,optional"`
	DeletionVector          *cpDV              `parquet:"deletionVector,optional"`
	BaseRowID               *int64             `parquet:"baseRowId,optional"`
	DefaultRowCommitVersion *int64             `parquet:"defaultRowCommitVersion,optional"`
}

type cpFormat struct {
	Provider *string            `parquet:"provider,optional"`
	Options  map[string]*string `parquet:"options,optional" parquet-value:",optional"`
}

type cpMetadata struct {
	ID               *string            `parquet:"id,optional"`
	Name             *string            `parquet:"name,optional"`
	Description      *string            `parquet:"description,optional"`
	Format           *cpFormat          `parquet:"format,optional"`
	SchemaString     *string            `parquet:"schemaString,optional"`
	PartitionColumns []string           `parquet:"partitionColumns,optional,list" parquet-element:",optional"`
	Configuration    map[string]*string `parquet:"configuration,optional" parquet-value:",optional"`
	CreatedTime      *int64             `parquet:"createdTime,optional"`
}

type cpProtocol struct {
	MinReaderVersion *int32   `parquet:"minReaderVersion,optional"`
	MinWriterVersion *int32   `parquet:"minWriterVersion,optional"`
	ReaderFeatures   []string `parquet:"readerFeatures,optional,list" parquet-element:",optional"`
	WriterFeatures   []string `parquet:"writerFeatures,optional,list" parquet-element:",optional"`
}

type cpDomain struct {
	Domain        *string `parquet:"domain,optional"`
	Configuration *string `parquet:"configuration,optional"`
	Removed       *bool   `parquet:"removed,optional"`
}

// LastCheckpoint is the content of _delta_log/_last_checkpoint.
type LastCheckpoint struct {
	Version       int64 `json:"version"`
	Size          int64 `json:"size"`
	Parts         int64 `json:"parts,omitempty"`
	SizeInBytes   int64 `json:"sizeInBytes,omitempty"`
	NumOfAddFiles int64 `json:"numOfAddFiles,omitempty"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func flag(p *bool) bool { return p != nil && *p }

func strMap(m map[string]*string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = str(v)
	}
	return out
}

func ptrMap(m map[string]string) map[string]*string {
	if m == nil {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}

// readCheckpoint decodes one checkpoint parquet file into actions.
func readCheckpoint(r io.ReaderAt, size int64) ([]Action, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, err
	}
	rd := parquet.NewGenericReader[cpRow](f)
	defer rd.Close()
	var out []Action
	buf := make([]cpRow, 256)
	for {
		n, err := rd.Read(buf)
		for _, row := range buf[:n] {
			if a, ok := row.action(); ok {
				out = append(out, a)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		clear(buf)
	}
	return out, nil
}

func (row cpRow) action() (Action, bool) {
	switch {
	case row.Add != nil:
		a := &Add{
			Path: str(row.Add.Path), PartitionValues: row.Add.PartitionValues,
			Size: i64(row.Add.Size), ModificationTime: i64(row.Add.ModificationTime),
			DataChange: flag(row.Add.DataChange), Stats: str(row.Add.Stats), Tags: strMap(row.Add.Tags),
		}
		if a.PartitionValues == nil {
			a.PartitionValues = map[string]*string{}
		}
		if dv := row.Add.DeletionVector; dv != nil && dv.StorageType != nil {
			a.DeletionVector, _ = json.Marshal(map[string]any{
				"storageType": str(dv.StorageType), "pathOrInlineDv": str(dv.PathOrInlineDv),
				"cardinality": i64(dv.Cardinality),
			})
		}
		return Action{Add: a}, true
	case row.Remove != nil:
		return Action{Remove: &Remove{
			Path: str(row.Remove.Path), DeletionTimestamp: i64(row.Remove.DeletionTimestamp),
			DataChange: flag(row.Remove.DataChange), ExtendedFileMetadata: flag(row.Remove.ExtendedFileMetadata),
			PartitionValues: row.Remove.PartitionValues, Size: i64(row.Remove.Size),
		}}, true
	case row.MetaData != nil:
		m := row.MetaData
		md := &Metadata{
			ID: str(m.ID), Name: str(m.Name), Description: str(m.Description),
			SchemaString: str(m.SchemaString), PartitionColumns: m.PartitionColumns,
			Configuration: strMap(m.Configuration), CreatedTime: i64(m.CreatedTime),
		}
		if m.Format != nil {
			md.Format = Format{Provider: str(m.Format.Provider), Options: strMap(m.Format.Options)}
		}
		if md.PartitionColumns == nil {
			md.PartitionColumns = []string{}
		}
		if md.Configuration == nil {
			md.Configuration = map[string]string{}
		}
		return Action{Metadata: md}, true
	case row.Protocol != nil:
		p := &Protocol{ReaderFeatures: row.Protocol.ReaderFeatures, WriterFeatures: row.Protocol.WriterFeatures}
		if row.Protocol.MinReaderVersion != nil {
			p.MinReaderVersion = int(*row.Protocol.MinReaderVersion)
		}
		if row.Protocol.MinWriterVersion != nil {
			p.MinWriterVersion = int(*row.Protocol.MinWriterVersion)
		}
		return Action{Protocol: p}, true
	case row.Txn != nil:
		return Action{Txn: &Txn{AppID: str(row.Txn.AppID), Version: i64(row.Txn.Version), LastUpdated: i64(row.Txn.LastUpdated)}}, true
	}
	return Action{}, false
}

// encodeCheckpoint writes the snapshot's state as a V1 checkpoint: the
// protocol, the metadata, every txn, every active file and the tombstones
// still within retention (as Spark does, removes with dataChange=false).
func encodeCheckpoint(s *Snapshot, tombstonesAfter int64) ([]byte, int64, error) {
	var rows []cpRow
	p := s.Protocol
	rv, wv := int32(p.MinReaderVersion), int32(p.MinWriterVersion)
	rows = append(rows, cpRow{Protocol: &cpProtocol{MinReaderVersion: &rv, MinWriterVersion: &wv,
		ReaderFeatures: p.ReaderFeatures, WriterFeatures: p.WriterFeatures}})
	m := s.Metadata
	provider := m.Format.Provider
	md := &cpMetadata{ID: &m.ID, SchemaString: &m.SchemaString, PartitionColumns: m.PartitionColumns,
		Configuration: ptrMap(m.Configuration), Format: &cpFormat{Provider: &provider, Options: ptrMap(m.Format.Options)}}
	if md.Format.Options == nil {
		md.Format.Options = map[string]*string{}
	}
	if m.CreatedTime != 0 {
		md.CreatedTime = &m.CreatedTime
	}
	if m.Name != "" {
		md.Name = &m.Name
	}
	rows = append(rows, cpRow{MetaData: md})
	apps := make([]string, 0, len(s.Txns))
	for app := range s.Txns {
		apps = append(apps, app)
	}
	sort.Strings(apps)
	for _, app := range apps {
		t := s.Txns[app]
		rows = append(rows, cpRow{Txn: &cpTxn{AppID: &t.AppID, Version: &t.Version, LastUpdated: &t.LastUpdated}})
	}
	f := false
	for _, a := range s.Files() {
		a := a
		row := &cpAdd{Path: &a.Path, PartitionValues: a.PartitionValues, Size: &a.Size,
			ModificationTime: &a.ModificationTime, DataChange: &f, Tags: ptrMap(a.Tags)}
		if row.PartitionValues == nil {
			row.PartitionValues = map[string]*string{}
		}
		if a.Stats != "" {
			row.Stats = &a.Stats
		}
		rows = append(rows, cpRow{Add: row})
	}
	for _, r := range s.Tombstones() {
		if r.DeletionTimestamp < tombstonesAfter {
			continue
		}
		r := r
		rm := &cpRemove{Path: &r.Path, DeletionTimestamp: &r.DeletionTimestamp, DataChange: &f,
			PartitionValues: r.PartitionValues}
		if r.Size != 0 {
			rm.Size = &r.Size
			t := true
			rm.ExtendedFileMetadata = &t
		}
		rows = append(rows, cpRow{Remove: rm})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[cpRow](&buf, parquet.Compression(&snappy.Codec{}))
	if _, err := w.Write(rows); err != nil {
		return nil, 0, fmt.Errorf("write checkpoint: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, 0, fmt.Errorf("write checkpoint: %w", err)
	}
	return buf.Bytes(), int64(len(rows)), nil
}

// Checkpoint writes a V1 checkpoint of snapshot s as
// NNNNNNNNNNNNNNNNNNNN.checkpoint.parquet and points _last_checkpoint at
// it. Tombstones older than retentionMillis are left out.
func (t *Table) Checkpoint(ctx context.Context, s *Snapshot, retentionMillis int64) error {
	data, n, err := encodeCheckpoint(s, t.now().UnixMilli()-retentionMillis)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s/%020d.checkpoint.parquet", LogDir, s.Version)
	if err := t.Storage.Put(ctx, name, data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	lc, _ := json.Marshal(LastCheckpoint{Version: s.Version, Size: n, SizeInBytes: int64(len(data)), NumOfAddFiles: int64(len(s.files))})
	if err := t.Storage.Put(ctx, LogDir+"/_last_checkpoint", lc); err != nil {
		return fmt.Errorf("write _last_checkpoint: %w", err)
	}
	return nil
}
