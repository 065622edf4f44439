package delta

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Protocol is the protocol action: the reader and writer versions a
// client needs to understand the table.
type Protocol struct {
	MinReaderVersion int      `json:"minReaderVersion"`
	MinWriterVersion int      `json:"minWriterVersion"`
	ReaderFeatures   []string `json:"readerFeatures,omitempty"`
	WriterFeatures   []string `json:"writerFeatures,omitempty"`
}

// Format is the file format of a table's data files.
type Format struct {
	Provider string            `json:"provider"`
	Options  map[string]string `json:"options"`
}

// Metadata is the metaData action: the table's id, schema, partition
// columns and configuration.
type Metadata struct {
	ID               string            `json:"id"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	Format           Format            `json:"format"`
	SchemaString     string            `json:"schemaString"`
	PartitionColumns []string          `json:"partitionColumns"`
	Configuration    map[string]string `json:"configuration"`
	CreatedTime      int64             `json:"createdTime,omitempty"`
}

// Schema parses SchemaString.
func (m Metadata) Schema() (StructType, error) {
	var s StructType
	if err := json.Unmarshal([]byte(m.SchemaString), &s); err != nil {
		return s, fmt.Errorf("parse schemaString: %w", err)
	}
	return s, nil
}

// ChangeDataFeed reports whether the table has delta.enableChangeDataFeed
// set to true.
func (m Metadata) ChangeDataFeed() bool {
	return strings.EqualFold(m.Configuration["delta.enableChangeDataFeed"], "true")
}

// Add is the add action: a data file that belongs to the table from this
// version on. PartitionValues holds nil for a null partition value.
type Add struct {
	Path             string             `json:"path"`
	PartitionValues  map[string]*string `json:"partitionValues"`
	Size             int64              `json:"size"`
	ModificationTime int64              `json:"modificationTime"`
	DataChange       bool               `json:"dataChange"`
	Stats            string             `json:"stats,omitempty"`
	Tags             map[string]string  `json:"tags,omitempty"`
	DeletionVector   json.RawMessage    `json:"deletionVector,omitempty"`
}

// ParsedStats parses Stats; ok is false when the add has no stats.
func (a Add) ParsedStats() (s Stats, ok bool, err error) {
	if a.Stats == "" {
		return s, false, nil
	}
	if err := json.Unmarshal([]byte(a.Stats), &s); err != nil {
		return s, false, fmt.Errorf("parse stats of %s: %w", a.Path, err)
	}
	return s, true, nil
}

// Remove is the remove action: a data file that no longer belongs to the
// table (a tombstone kept until vacuum).
type Remove struct {
	Path                 string             `json:"path"`
	DeletionTimestamp    int64              `json:"deletionTimestamp,omitempty"`
	DataChange           bool               `json:"dataChange"`
	ExtendedFileMetadata bool               `json:"extendedFileMetadata,omitempty"`
	PartitionValues      map[string]*string `json:"partitionValues,omitempty"`
	Size                 int64              `json:"size,omitempty"`
}

// CDC is the cdc action: a file under _change_data/ holding the change
// rows of one commit, with a _change_type column.
type CDC struct {
	Path            string             `json:"path"`
	PartitionValues map[string]*string `json:"partitionValues"`
	Size            int64              `json:"size"`
	DataChange      bool               `json:"dataChange"`
	Tags            map[string]string  `json:"tags,omitempty"`
}

// Txn is the txn action: the last version an application applied, which
// makes an application's writes idempotent.
type Txn struct {
	AppID       string `json:"appId"`
	Version     int64  `json:"version"`
	LastUpdated int64  `json:"lastUpdated,omitempty"`
}

// CommitInfo is the commitInfo action: provenance of a commit.
type CommitInfo struct {
	Timestamp           int64             `json:"timestamp"`
	Operation           string            `json:"operation"`
	OperationParameters map[string]any    `json:"operationParameters"`
	ReadVersion         *int64            `json:"readVersion,omitempty"`
	IsolationLevel      string            `json:"isolationLevel,omitempty"`
	IsBlindAppend       bool              `json:"isBlindAppend"`
	OperationMetrics    map[string]string `json:"operationMetrics,omitempty"`
	EngineInfo          string            `json:"engineInfo,omitempty"`
	TxnID               string            `json:"txnId,omitempty"`
}

// Action is one line of a commit file: exactly one field is set.
type Action struct {
	CommitInfo *CommitInfo `json:"commitInfo,omitempty"`
	Protocol   *Protocol   `json:"protocol,omitempty"`
	Metadata   *Metadata   `json:"metaData,omitempty"`
	Add        *Add        `json:"add,omitempty"`
	Remove     *Remove     `json:"remove,omitempty"`
	CDC        *CDC        `json:"cdc,omitempty"`
	Txn        *Txn        `json:"txn,omitempty"`
}

// Stats are the per-file statistics of an add action's stats string.
// MinValues and MaxValues hold JSON numbers and strings (timestamps as
// ISO 8601 strings), keyed by column name.
type Stats struct {
	NumRecords int64            `json:"numRecords"`
	MinValues  map[string]any   `json:"minValues"`
	MaxValues  map[string]any   `json:"maxValues"`
	NullCount  map[string]int64 `json:"nullCount"`
}

// String encodes the stats as the JSON string an add action carries.
func (s Stats) String() string {
	b, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	return string(b)
}

// EncodePath escapes a relative file path the way Spark writes add paths:
// each segment is URL-escaped, so "as_timestamp=2021-09-08 11%3A11%3A11"
// becomes "as_timestamp=2021-09-08%2011%253A11%253A11".
func EncodePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
	}
	return strings.Join(segs, "/")
}

// DecodePath is the inverse of EncodePath: the path of the file relative
// to the table root.
func DecodePath(p string) (string, error) {
	d, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("decode path %q: %w", p, err)
	}
	return d, nil
}

// PartitionDir returns the directory of a file with the given partition
// values, Hive style: "state_abbr=NY". Characters Hive escapes (like ':',
// '/', '=', '%') are %XX-escaped, and a null value is
// __HIVE_DEFAULT_PARTITION__.
func PartitionDir(columns []string, values map[string]*string) string {
	var b strings.Builder
	for i, c := range columns {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(hiveEscape(c))
		b.WriteByte('=')
		v := values[c]
		if v == nil || *v == "" {
			b.WriteString(HiveDefaultPartition)
		} else {
			b.WriteString(hiveEscape(*v))
		}
	}
	return b.String()
}

// HiveDefaultPartition is the directory name of a null partition value.
const HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__"

func hiveEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || strings.IndexByte("\"#%'*/:=?\\\x7f{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// StructType is a Spark struct schema, the JSON of metaData.schemaString.
type StructType struct {
	Type   string        `json:"type"`
	Fields []StructField `json:"fields"`
}

// StructField is one field of a StructType. Type is a primitive type name
// ("long", "string", "timestamp", …) or, for nested types, raw JSON.
type StructField struct {
	Name     string          `json:"name"`
	Type     json.RawMessage `json:"type"`
	Nullable bool            `json:"nullable"`
	Metadata map[string]any  `json:"metadata"`
}

// TypeName returns the field's primitive type name, or "" for a nested
// type.
func (f StructField) TypeName() string {
	var s string
	if err := json.Unmarshal(f.Type, &s); err != nil {
		return ""
	}
	return s
}

// Field returns a nullable field of a primitive type.
func Field(name, typ string) StructField {
	b, _ := json.Marshal(typ)
	return StructField{Name: name, Type: b, Nullable: true, Metadata: map[string]any{}}
}

// NewStruct returns the struct of the given fields.
func NewStruct(fields ...StructField) StructType {
	return StructType{Type: "struct", Fields: fields}
}

// String returns the schema as the JSON string metaData.schemaString holds.
func (s StructType) String() string {
	b, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	return string(b)
}

// NewUUID returns a random (version 4) UUID string, as used for table ids
// and data file names.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
