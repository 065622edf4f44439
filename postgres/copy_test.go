package postgres_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/postgres"
)

// TestCopyBinaryRoundTrip COPYs random rows through the bulk path's own
// binary encoder into a table of every column type it writes (bigint,
// text, timestamptz, NULLs of each) and reads them back: extreme and
// negative integers, empty, multi-byte and long strings (rows larger than
// the encoder's 64 KiB chunks), times before 2000 and far after, and row
// counts from none to thousands.
func TestCopyBinaryRoundTrip(t *testing.T) {
	db := openDB(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 3))
	conn, err := db.Pool().Acquire(ctx)
	must(t, err, "acquire")
	defer conn.Release()
	_, err = conn.Exec(ctx, `CREATE TEMP TABLE copy_rt (k bigint, i bigint, s text, p text, t timestamptz, j bigint)`)
	must(t, err, "create")
	words := []string{"", "a", "Zoë", "München", "東京都", "🏛 city hall", "O'Brien", `back\slash`, "tab\there", "line\nbreak", "comma, \"quoted\""}
	str := func() string {
		if r.IntN(50) == 0 {
			return strings.Repeat(words[r.IntN(len(words))]+"x", 5000+r.IntN(20000))
		}
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	ints := []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1 << 32, -(1 << 40)}
	for round := range 4 {
		n := []int{0, 1, r.IntN(50), 500 + r.IntN(3000)}[round]
		rows := make([][]any, n)
		for j := range rows {
			var s *string
			if r.IntN(3) > 0 {
				v := str()
				s = &v
			}
			i := any(ints[r.IntN(len(ints))])
			if r.IntN(4) == 0 {
				i = r.Int64() - r.Int64()
			}
			tm := any(time.UnixMicro(r.Int64N(8e15) - 3e15).UTC())
			if r.IntN(5) == 0 {
				tm = nil
			}
			var jv any
			if r.IntN(2) == 0 {
				jv = r.Int64()
			}
			rows[j] = []any{int64(j), i, str(), s, tm, jv}
		}
		_, err := conn.Exec(ctx, `TRUNCATE copy_rt`)
		must(t, err, "truncate")
		must(t, postgres.CopyBinary(ctx, conn.Conn(), "copy_rt", []string{"k", "i", "s", "p", "t", "j"}, n, func(j int) []any { return rows[j] }), "copy")
		got, err := conn.Query(ctx, `SELECT i, s, p, t, j FROM copy_rt ORDER BY k`)
		must(t, err, "select")
		k := 0
		for got.Next() {
			var i int64
			var s string
			var p *string
			var tm *time.Time
			var jv *int64
			must(t, got.Scan(&i, &s, &p, &tm, &jv), "scan")
			if k >= n {
				k++
				continue
			}
			want := rows[k][1:]
			if i != want[0].(int64) || s != want[1].(string) {
				t.Fatalf("round %d row %d: got (%d, %.40q), want (%d, %.40q)", round, k, i, s, want[0], want[1])
			}
			if wp := want[2].(*string); (p == nil) != (wp == nil) || p != nil && *p != *wp {
				t.Fatalf("round %d row %d: text %v, want %v", round, k, p, wp)
			}
			if wt, ok := want[3].(time.Time); (tm == nil) == ok || ok && !tm.Equal(wt) {
				t.Fatalf("round %d row %d: time %v, want %v", round, k, tm, want[3])
			}
			if wj, ok := want[4].(int64); (jv == nil) == ok || ok && *jv != wj {
				t.Fatalf("round %d row %d: bigint %v, want %v", round, k, jv, want[4])
			}
			k++
		}
		must(t, got.Err(), "rows")
		if k != n {
			t.Fatalf("round %d: %d rows back, want %d", round, k, n)
		}
	}
}

// TestCopyBinaryUnknownType checks that a value the encoder does not know
// fails the COPY with an error naming its field, and writes nothing.
func TestCopyBinaryUnknownType(t *testing.T) {
	db := openDB(t)
	conn, err := db.Pool().Acquire(ctx)
	must(t, err, "acquire")
	defer conn.Release()
	_, err = conn.Exec(ctx, `CREATE TEMP TABLE copy_bad (i bigint, f text)`)
	must(t, err, "create")
	err = postgres.CopyBinary(ctx, conn.Conn(), "copy_bad", []string{"i", "f"}, 3, func(j int) []any {
		if j == 2 {
			return []any{int64(j), 1.5}
		}
		return []any{int64(j), "ok"}
	})
	if err == nil || !strings.Contains(err.Error(), "field 2 is a float64") {
		t.Fatalf("CopyBinary of a float64 returned %v, want an error naming field 2", err)
	}
	var n int
	must(t, conn.QueryRow(ctx, `SELECT count(*) FROM copy_bad`).Scan(&n), "count")
	if n != 0 {
		t.Fatalf("%d rows written by the failed COPY", n)
	}
}
