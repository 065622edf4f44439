package transfer

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
