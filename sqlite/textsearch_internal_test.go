package sqlite

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestFTSSeparators asks FTS5's unicode61 tokenizer, as contacts_fts
// configures it, which runes that TextQuery accepts in a word (letters and
// digits by Go's tables) it splits on, and checks that isFTSSeparator
// names exactly those: ftsMatch splits words there, since contacts_fts
// (detail=none) cannot answer the phrase FTS5 would otherwise make of
// such a word.
func TestFTSSeparators(t *testing.T) {
	if raceEnabled {
		t.Skip("one goroutine and deterministic: the run without -race checks it (14 s under the detector)")
	}
	ctx := context.Background()
	db := openMigrated(t)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.sep USING fts5 (w, tokenize = 'unicode61 remove_diacritics 2', detail = none)`,
		"BEGIN",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// One statement: SQLite's char() makes each rune from its number.
	var runes []string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && r != 'q' && r != 'Q' {
			runes = append(runes, strconv.Itoa(int(r)))
		}
	}
	n := len(runes)
	if _, err := conn.ExecContext(ctx, "INSERT INTO temp.sep (rowid, w) SELECT value, 'q' || char(value) || 'q' FROM json_each(?)",
		"["+strings.Join(runes, ",")+"]"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	// Where r separates, the row holds "q" as a token of its own.
	rows, err := conn.QueryContext(ctx, `SELECT rowid FROM temp.sep WHERE sep MATCH '"q"' ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	var got []rune
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, rune(r))
	}
	rows.Close()
	var want []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isFTSSeparator(r) {
			want = append(want, r)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("of %d letters and digits, unicode61 splits on %U; isFTSSeparator names %U", n, got, want)
	}
}
