package transfer

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestProgressDisplay(t *testing.T) {
	p := Progress{Phase: "load", Table: "contacts", Rows: 1234567, Bytes: 50, TotalBytes: 200, Elapsed: 2 * time.Second}

	var tty bytes.Buffer
	d := NewProgressDisplay(&tty, true, nil, time.Second)
	d.Show(p)
	d.Finish()
	got := tty.String()
	for _, want := range []string{"\rload   [=======", " 25.0%", "contacts", "1,234,567 rows", "617,283 rows/s", "\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}

	var logs bytes.Buffer
	d = NewProgressDisplay(nil, false, slog.New(slog.NewTextHandler(&logs, nil)), time.Hour)
	d.Show(p)
	d.Show(p) // within the interval: not logged
	p.Done = true
	d.Show(p) // the end of a phase is always logged
	if n := strings.Count(logs.String(), "import progress"); n != 2 {
		t.Errorf("logged %d lines, want 2:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "rows=1234567") {
		t.Errorf("log lacks the rows: %s", logs.String())
	}
}

func TestRejectsFile(t *testing.T) {
	rejects := []Reject{
		{File: "a/places.csv", Line: 3, Column: "name", Reason: `is "quoted", with a comma`},
		{File: "b/contacts.jsonl", Line: 7, Reason: "invalid JSON"},
	}
	for _, format := range []string{FormatCSV, FormatJSONL} {
		path := filepath.Join(t.TempDir(), "rejects."+format)
		rf, err := CreateRejectsFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rejects {
			if err := rf.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := rf.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadRejects(f, format)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rejects, got); diff != "" {
			t.Errorf("%s rejects file read back (-want +got):\n%s", format, diff)
		}
	}
	if got, want := rejects[0].String(), `a/places.csv:3: name: is "quoted", with a comma`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
