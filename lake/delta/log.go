package delta

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LogDir is the name of a table's log directory.
const LogDir = "_delta_log"

// CheckpointInterval is how many commits apart checkpoints are written
// (Spark's delta.checkpointInterval default).
const CheckpointInterval = 10

// DefaultTombstoneRetention is how long removed files stay in checkpoints
// and on disk before vacuum may delete them
// (delta.deletedFileRetentionDuration, one week).
const DefaultTombstoneRetention = 7 * 24 * time.Hour

// ErrNoTable is returned when a location holds no Delta log.
var ErrNoTable = errors.New("delta: no table (no _delta_log commits)")

// Table is a Delta table in a Storage.
type Table struct {
	Storage Storage
	// Now is the clock of commit timestamps; nil means time.Now.
	Now func() time.Time
	// EngineInfo is written into commitInfo.
	EngineInfo string
}

func (t *Table) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Snapshot is the state of a table at one version: the result of
// replaying the log.
type Snapshot struct {
	Version  int64
	Protocol Protocol
	Metadata Metadata
	// Txns maps an application id to its last txn action.
	Txns       map[string]Txn
	files      map[string]Add
	tombstones map[string]Remove
}

// Files returns the active files, sorted by path.
func (s *Snapshot) Files() []Add {
	out := make([]Add, 0, len(s.files))
	for _, a := range s.files {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// File returns the active file with the given (encoded) path.
func (s *Snapshot) File(path string) (Add, bool) {
	a, ok := s.files[path]
	return a, ok
}

// NumFiles returns the number of active files.
func (s *Snapshot) NumFiles() int { return len(s.files) }

// Tombstones returns the removed files still recorded, sorted by path.
func (s *Snapshot) Tombstones() []Remove {
	out := make([]Remove, 0, len(s.tombstones))
	for _, r := range s.tombstones {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// TxnVersion returns the last version application appID committed, or -1.
func (s *Snapshot) TxnVersion(appID string) int64 {
	if t, ok := s.Txns[appID]; ok {
		return t.Version
	}
	return -1
}

func (s *Snapshot) apply(a Action) {
	switch {
	case a.Add != nil:
		s.files[a.Add.Path] = *a.Add
		delete(s.tombstones, a.Add.Path)
	case a.Remove != nil:
		delete(s.files, a.Remove.Path)
		s.tombstones[a.Remove.Path] = *a.Remove
	case a.Metadata != nil:
		s.Metadata = *a.Metadata
	case a.Protocol != nil:
		s.Protocol = *a.Protocol
	case a.Txn != nil:
		s.Txns[a.Txn.AppID] = *a.Txn
	}
}

func commitName(v int64) string { return fmt.Sprintf("%s/%020d.json", LogDir, v) }

// ParseCommit decodes the newline-delimited JSON actions of a commit file.
func ParseCommit(data []byte) ([]Action, error) {
	var out []Action
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var a Action
		if err := json.Unmarshal(b, &a); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

// ReadCommit returns the actions of one commit version.
func (t *Table) ReadCommit(ctx context.Context, version int64) ([]Action, error) {
	data, err := t.Storage.Get(ctx, commitName(version))
	if err != nil {
		return nil, err
	}
	acts, err := ParseCommit(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", commitName(version), err)
	}
	return acts, nil
}

type logListing struct {
	commits     []int64
	checkpoints map[int64][]string // version -> part names
}

func (t *Table) list(ctx context.Context) (logListing, error) {
	files, err := t.Storage.List(ctx, LogDir+"/")
	if err != nil {
		return logListing{}, fmt.Errorf("list %s: %w", LogDir, err)
	}
	l := logListing{checkpoints: map[int64][]string{}}
	for _, f := range files {
		base := strings.TrimPrefix(f.Name, LogDir+"/")
		if len(base) < 20 {
			continue
		}
		v, err := strconv.ParseInt(base[:20], 10, 64)
		if err != nil {
			continue
		}
		rest := base[20:]
		switch {
		case rest == ".json":
			l.commits = append(l.commits, v)
		case strings.HasPrefix(rest, ".checkpoint.") && strings.HasSuffix(rest, ".parquet"):
			l.checkpoints[v] = append(l.checkpoints[v], f.Name)
		}
	}
	sort.Slice(l.commits, func(i, j int) bool { return l.commits[i] < l.commits[j] })
	return l, nil
}

// Latest returns the latest version of the table, or ErrNoTable.
func (t *Table) Latest(ctx context.Context) (int64, error) {
	l, err := t.list(ctx)
	if err != nil {
		return 0, err
	}
	if len(l.commits) == 0 {
		return 0, ErrNoTable
	}
	return l.commits[len(l.commits)-1], nil
}

// Snapshot replays the log up to its latest version: the newest complete
// checkpoint, then every JSON commit after it, in order.
func (t *Table) Snapshot(ctx context.Context) (*Snapshot, error) {
	return t.SnapshotAt(ctx, -1)
}

// SnapshotAt replays the log up to version (-1 for the latest).
func (t *Table) SnapshotAt(ctx context.Context, version int64) (*Snapshot, error) {
	l, err := t.list(ctx)
	if err != nil {
		return nil, err
	}
	if len(l.commits) == 0 && len(l.checkpoints) == 0 {
		return nil, ErrNoTable
	}
	if version < 0 {
		for _, v := range l.commits {
			version = max(version, v)
		}
		for v := range l.checkpoints {
			version = max(version, v)
		}
	}
	s := &Snapshot{Version: -1, Txns: map[string]Txn{}, files: map[string]Add{}, tombstones: map[string]Remove{}}
	// The newest checkpoint at or before version whose parts are all
	// present (a multi-part checkpoint names its part count).
	cp := int64(-1)
	for v, parts := range l.checkpoints {
		if v <= version && v > cp && checkpointComplete(parts) {
			cp = v
		}
	}
	if cp >= 0 {
		parts := l.checkpoints[cp]
		sort.Strings(parts)
		for _, name := range parts {
			r, size, err := t.Storage.Open(ctx, name)
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", name, err)
			}
			acts, err := readCheckpoint(r, size)
			r.Close()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			for _, a := range acts {
				s.apply(a)
			}
		}
		s.Version = cp
	}
	for _, v := range l.commits {
		if v <= s.Version || v > version {
			continue
		}
		if v != s.Version+1 {
			return nil, fmt.Errorf("%s: missing commit %d before version %d", LogDir, s.Version+1, v)
		}
		acts, err := t.ReadCommit(ctx, v)
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			s.apply(a)
		}
		s.Version = v
	}
	if s.Version < version {
		return nil, fmt.Errorf("%s: version %d not found (latest %d)", LogDir, version, s.Version)
	}
	return s, nil
}

func checkpointComplete(parts []string) bool {
	if len(parts) == 1 && strings.HasSuffix(parts[0], ".checkpoint.parquet") {
		return true
	}
	// NNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet
	for _, p := range parts {
		fields := strings.Split(p, ".")
		if len(fields) == 5 {
			total, err := strconv.Atoi(fields[3])
			return err == nil && total == len(parts)
		}
	}
	return false
}

// Commit writes actions as version readVersion+1, only if that version does
// not exist yet. It returns the new version, or an error wrapping
// ErrConflict when another writer took it. A commitInfo action is
// prepended when actions hold none. Every CheckpointInterval versions it
// writes a checkpoint.
func (t *Table) Commit(ctx context.Context, readVersion int64, actions []Action) (int64, error) {
	version := readVersion + 1
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, a := range actions {
		if a.CommitInfo != nil && readVersion >= 0 {
			rv := readVersion
			a.CommitInfo.ReadVersion = &rv
		}
		if err := enc.Encode(a); err != nil {
			return 0, fmt.Errorf("encode commit: %w", err)
		}
	}
	if err := t.Storage.PutIfAbsent(ctx, commitName(version), buf.Bytes()); err != nil {
		return 0, err
	}
	if version > 0 && version%CheckpointInterval == 0 {
		s, err := t.SnapshotAt(ctx, version)
		if err != nil {
			return version, fmt.Errorf("checkpoint %d: %w", version, err)
		}
		if err := t.Checkpoint(ctx, s, DefaultTombstoneRetention.Milliseconds()); err != nil {
			return version, fmt.Errorf("checkpoint %d: %w", version, err)
		}
	}
	return version, nil
}

// Update runs an optimistic transaction: it reads the latest snapshot (nil
// when the table does not exist yet), lets build compute the actions from
// it, and commits them as the next version. When another writer commits
// that version first, it re-reads the log and calls build again, up to
// maxAttempts times. It returns the committed version.
func (t *Table) Update(ctx context.Context, build func(s *Snapshot) ([]Action, error)) (int64, error) {
	const maxAttempts = 10
	for attempt := 0; ; attempt++ {
		s, err := t.Snapshot(ctx)
		if err != nil && !errors.Is(err, ErrNoTable) {
			return 0, err
		}
		readVersion := int64(-1)
		if s != nil {
			readVersion = s.Version
		}
		acts, err := build(s)
		if err != nil {
			return 0, err
		}
		v, err := t.Commit(ctx, readVersion, acts)
		if errors.Is(err, ErrConflict) && attempt+1 < maxAttempts {
			continue
		}
		return v, err
	}
}

// NewCommitInfo returns a commitInfo action for operation.
func (t *Table) NewCommitInfo(operation string, params map[string]any, metrics map[string]string, blindAppend bool) Action {
	if params == nil {
		params = map[string]any{}
	}
	engine := t.EngineInfo
	if engine == "" {
		engine = "pursuit-lake"
	}
	return Action{CommitInfo: &CommitInfo{
		Timestamp: t.now().UnixMilli(), Operation: operation, OperationParameters: params,
		IsolationLevel: "Serializable", IsBlindAppend: blindAppend, OperationMetrics: metrics,
		EngineInfo: engine, TxnID: NewUUID(),
	}}
}
