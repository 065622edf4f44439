package transfer

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RejectsFile writes rejected rows to a file: JSONL (one Reject object per
// line) or, for a name ending in .csv, CSV with the header
// file,line,column,reason.
type RejectsFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
	csv  *csv.Writer
	n    int64
}

// CreateRejectsFile creates (or truncates) the rejects file at path.
func CreateRejectsFile(path string) (*RejectsFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create rejects file: %w", err)
	}
	rf := &RejectsFile{path: path, f: f, w: bufio.NewWriter(f)}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		rf.csv = csv.NewWriter(rf.w)
		rf.csv.Write([]string{"file", "line", "column", "reason"})
	}
	return rf, nil
}

// Path returns the file's path.
func (rf *RejectsFile) Path() string { return rf.path }

// Count returns the number of rejects written.
func (rf *RejectsFile) Count() int64 { return rf.n }

// Write appends r. It is an Options.OnReject function.
func (rf *RejectsFile) Write(r Reject) error {
	rf.n++
	if rf.csv != nil {
		return rf.csv.Write([]string{r.File, strconv.FormatInt(r.Line, 10), r.Column, r.Reason})
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = rf.w.Write(append(b, '\n'))
	return err
}

// Close flushes and closes the file.
func (rf *RejectsFile) Close() error {
	if rf.csv != nil {
		rf.csv.Flush()
		if err := rf.csv.Error(); err != nil {
			rf.f.Close()
			return fmt.Errorf("write %s: %w", rf.path, err)
		}
	}
	if err := rf.w.Flush(); err != nil {
		rf.f.Close()
		return fmt.Errorf("write %s: %w", rf.path, err)
	}
	return rf.f.Close()
}

// ReadRejects reads a rejects file written by RejectsFile.
func ReadRejects(r io.Reader, format string) ([]Reject, error) {
	var out []Reject
	if format == FormatCSV {
		recs, err := csv.NewReader(r).ReadAll()
		if err != nil {
			return nil, err
		}
		for i, rec := range recs {
			if i == 0 {
				continue
			}
			line, _ := strconv.ParseInt(rec[1], 10, 64)
			out = append(out, Reject{File: rec[0], Line: line, Column: rec[2], Reason: rec[3]})
		}
		return out, nil
	}
	dec := json.NewDecoder(r)
	for dec.More() {
		var rj Reject
		if err := dec.Decode(&rj); err != nil {
			return nil, err
		}
		out = append(out, rj)
	}
	return out, nil
}

// Progress is a snapshot of a running import.
type Progress struct {
	// Phase is "load" (reading, checking and writing the rows) or
	// "commit" (every row written, the store committing).
	Phase string
	// Table is the table being read.
	Table string
	// Rows counts the rows read in this phase.
	Rows int64
	// Bytes counts the bytes read over all phases, out of TotalBytes.
	Bytes      int64
	TotalBytes int64
	// Elapsed is the time since the phase started.
	Elapsed time.Duration
	// Done marks the last report of a phase.
	Done bool
}

// Percent returns how much of the input has been read, from 0 to 100.
func (p Progress) Percent() float64 {
	if p.TotalBytes <= 0 {
		return 100
	}
	v := 100 * float64(p.Bytes) / float64(p.TotalBytes)
	if v > 100 {
		v = 100
	}
	return v
}

// RowsPerSecond returns the phase's rows read per second.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

// ProgressDisplay shows Progress reports: a bar redrawn in place on a
// terminal, or a log line every interval otherwise.
type ProgressDisplay struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	log      *slog.Logger
	interval time.Duration
	last     time.Time
	drawn    bool
}

// NewProgressDisplay returns a display writing a bar to w when terminal is
// true (w is a terminal), and otherwise logging a line to log every
// interval.
func NewProgressDisplay(w io.Writer, terminal bool, log *slog.Logger, interval time.Duration) *ProgressDisplay {
	return &ProgressDisplay{w: w, terminal: terminal, log: log, interval: interval}
}

// Show displays p. It is an Options.Progress function.
func (d *ProgressDisplay) Show(p Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.terminal {
		const width = 30
		fill := int(p.Percent() * width / 100)
		bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
		fmt.Fprintf(d.w, "\r%-6s [%s] %5.1f%%  %-25s %12s rows  %10s rows/s \x1b[K",
			p.Phase, bar, p.Percent(), p.Table, groupDigits(p.Rows), groupDigits(int64(p.RowsPerSecond())))
		d.drawn = true
		if p.Done {
			fmt.Fprintln(d.w)
			d.drawn = false
		}
		return
	}
	now := time.Now()
	if !p.Done && now.Sub(d.last) < d.interval {
		return
	}
	d.last = now
	d.log.Info("import progress", "phase", p.Phase, "table", p.Table, "rows", p.Rows,
		"rows_per_s", int64(p.RowsPerSecond()), "percent", fmt.Sprintf("%.1f", p.Percent()), "done", p.Done)
}

// Finish ends a bar left on the terminal line.
func (d *ProgressDisplay) Finish() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.drawn {
		fmt.Fprintln(d.w)
		d.drawn = false
	}
}

// groupDigits formats n with thousands separators: 4,500,000.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
