package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sys/unix"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// benchQuery is one search of the benchmark's query set.
type benchQuery struct {
	kind     string
	customer int64
	words    []string // plain words, all required
	phrase   []string // one phrase, or nil
	req      search.Request
}

// q renders the query in the search syntax.
func (b benchQuery) q() string {
	parts := slices.Clone(b.words)
	if len(b.phrase) > 0 {
		parts = append(parts, `"`+strings.Join(b.phrase, " ")+`"`)
	}
	return strings.Join(parts, " ")
}

var (
	benchCommon  = []string{"director", "manager", "clerk", "officer", "assistant", "supervisor", "coordinator", "specialist", "administrator", "technician"}
	benchMid     = []string{"finance", "police", "gis", "procurement", "superintendent", "treasurer", "librarian", "engineer", "payroll", "planner"}
	benchPhrases = [][]string{{"public", "works"}, {"information", "technology"}, {"human", "resources"}, {"city", "clerk"}, {"police", "chief"}, {"finance", "director"}, {"fire", "chief"}}
	benchStates  = []string{"CA", "TX", "NY", "IL", "PA", "OH", "FL", "MN", "WI", "VT"}
)

func benchSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench search", "",
		"Run one reproducible mixed query set (single common, mid and rare words, phrases, with and\n"+
			"without filters, small and nationwide grants) against this engine (top-20 with facets),\n"+
			"SQLite FTS5 and, with --postgres, PostgreSQL tsvector/GIN with ts_rank (top-20 plus the\n"+
			"total), all in this process. Prints p50/p95/p99, queries/s, the ratios, the index build\n"+
			"time and the process's resident memory. --db must be a SQLite file for the FTS5 baseline.")
	db := dbFlag(fs, e)
	pgDSN := fs.String("postgres", "", "PostgreSQL DSN holding the same dataset, for the tsvector baseline")
	n := fs.Int("queries", 1000, "queries in the set")
	sqlN := fs.Int("sql-queries", 200, "queries of the set run against each SQL baseline (they are slow)")
	seed := fs.Uint64("seed", 1, "seed of the query set")
	procs := fs.Int("procs", 1, "GOMAXPROCS while queries run (the goal is stated for one core)")
	timeout := fs.Duration("sql-timeout", 30*time.Second, "per-query timeout of the SQL baselines")
	memLimit := fs.Int64("memory-limit-mib", 0, "soft memory limit of the Go runtime in MiB (0: none, as pursuit serve runs; the resident memory printed is then what a server holds)")
	snapshot := fs.String("snapshot", "", "load the index from this snapshot file (and catch up) instead of building it; written after a build")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the engine's queries to this file")
	learned := fs.String("learned-candidates", fmt.Sprint(rank.DefaultCandidates), "also run the query set through the learned ranking re-ranking this many candidates (a comma-separated list runs each), interleaved with relevance_basic (0: skip)")
	buildProfile := fs.String("build-cpuprofile", "", "write a CPU profile of the index build (or snapshot load) to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile of the built index to this file, and one after the queries to FILE.queries (compare them with go tool pprof -base)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var learnedNs []int
	for _, v := range strings.Split(*learned, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n > search.MaxLimit {
			return fmt.Errorf("bench search: --learned-candidates %q: want numbers from 0 to %d", *learned, search.MaxLimit)
		}
		if n > 0 {
			learnedNs = append(learnedNs, n)
		}
	}
	if *memLimit > 0 {
		debug.SetMemoryLimit(*memLimit << 20)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()

	if *buildProfile != "" {
		f, err := os.Create(*buildProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start, cpu0 := time.Now(), cpuTime()
	ix, err := openBenchIndex(ctx, e, s, *snapshot)
	if *buildProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	build, buildCPU := time.Since(start), cpuTime()-cpu0
	prep := time.Now()
	ix.PrepareRanking()
	fmt.Fprintf(e.stdout, "ranking prepared in %s (the rank order of big results; serve builds it on the first search that wants it)\n", time.Since(prep).Round(time.Millisecond))
	debug.FreeOSMemory()
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	st := ix.Stats()
	fmt.Fprintf(e.stdout, "index: %d contacts, %d places, %d customers, %d terms, built in %s, %s of CPU (GOMAXPROCS %d)\n",
		st.Contacts, st.Places, st.Customers, st.Terms, build.Round(time.Millisecond), buildCPU.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Fprintf(e.stdout, "memory after build: %s; index estimate %d MiB\n", procMemory(), st.MemoryBytes>>20)
	printMemory(e.stdout, ix, st.Contacts)

	qs, err := benchQueries(ctx, s, ix, *n, *seed)
	if err != nil {
		return err
	}
	old := runtime.GOMAXPROCS(*procs)
	defer runtime.GOMAXPROCS(old)
	debug.FreeOSMemory()

	type result struct {
		name string
		lat  []time.Duration
		wall time.Duration
	}
	var results []result
	// Warm up once, then measure.
	for _, q := range qs {
		ix.SearchContacts(q.customer, q.req)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	lat := make([]time.Duration, 0, len(qs))
	cpu := make([]time.Duration, 0, len(qs))
	// The queries run on one locked OS thread, so that the thread's CPU
	// clock measures what each query cost, apart from the time the
	// (shared) machine kept it waiting.
	runtime.LockOSThread()
	t0 := time.Now()
	var hits int
	// The answers of the queries the SQL baselines also run, to compare.
	answers := make([]benchAnswer, 0, min(*sqlN, len(qs)))
	for i, q := range qs {
		c0 := threadCPU()
		qt := time.Now()
		res, err := ix.SearchContacts(q.customer, q.req)
		lat = append(lat, time.Since(qt))
		cpu = append(cpu, threadCPU()-c0)
		if err != nil {
			return fmt.Errorf("engine query %q: %w", q.q(), err)
		}
		hits += res.Total
		if i < *sqlN {
			answers = append(answers, engineAnswer(res))
		}
	}
	results = append(results, result{"engine", lat, time.Since(t0)})
	runtime.UnlockOSThread()
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	runtime.ReadMemStats(&ms1)
	if *memProfile != "" {
		// The allocations of the queries alone are this profile minus
		// the one written after the build (go tool pprof -base).
		if err := writeHeapProfile(*memProfile + ".queries"); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "engine: %d queries, %d matching contacts in all; %.0f kB allocated per query, %d GC cycles during the run\n",
		len(qs), hits, float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(len(qs))/1024, ms1.NumGC-ms0.NumGC)
	byKind := map[string][]time.Duration{}
	for i, q := range qs {
		byKind[q.kind] = append(byKind[q.kind], lat[i])
	}

	for _, n := range learnedNs {
		if err := benchLearnedOverhead(e, ix, qs, n); err != nil {
			return fmt.Errorf("learned ranking: %w", err)
		}
	}

	sqlSet := qs[:min(*sqlN, len(qs))]
	if sq, ok := s.(*sqlite.DB); !ok {
		fmt.Fprintln(e.stdout, "sqlite-fts5: skipped (--db is not a SQLite file)")
	} else if len(sqlSet) > 0 {
		base, err := openSQLiteBaseline(ctx, sq, e.stdout)
		if err != nil {
			return err
		}
		defer base.close()
		l, wall, err := runBaseline(ctx, sqlSet, *timeout, func(ctx context.Context, q benchQuery) error { return sqliteQuery(ctx, base.conn, q) })
		if err != nil {
			return fmt.Errorf("sqlite fts5: %w", err)
		}
		results = append(results, result{"sqlite-fts5", l, wall})
	}
	if *pgDSN != "" {
		pg, err := postgres.Open(ctx, *pgDSN)
		if err != nil {
			return err
		}
		defer pg.Close()
		if err := preparePGEnglish(ctx, pg.Pool(), e.stdout); err != nil {
			return err
		}
		pgAnswers := make([]benchAnswer, 0, len(sqlSet))
		l, wall, err := runBaseline(ctx, sqlSet, *timeout, func(ctx context.Context, q benchQuery) error {
			total, ids, err := pgQuery(ctx, pg.Pool(), q)
			pgAnswers = append(pgAnswers, benchAnswer{total: total, top: ids, err: err})
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres tsvector: %w", err)
		}
		results = append(results, result{"postgres-tsvector", l, wall})
		printOverlap(e.stdout, sqlSet, answers, pgAnswers)
	}

	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nsystem\tqueries\tp50\tp95\tp99\tmax\tqueries/s\t")
	for _, r := range results {
		p := percentiles(r.lat)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%.0f\t\n", r.name, len(r.lat), fmtDur(p[0]), fmtDur(p[1]), fmtDur(p[2]), fmtDur(p[3]),
			float64(len(r.lat))/r.wall.Seconds())
	}
	tw.Flush()
	// Ratios compare the SQL baselines with the engine on the same
	// queries (the first len(sqlSet) of the set).
	eng := percentiles(lat[:len(sqlSet)])
	for _, r := range results[1:] {
		p := percentiles(r.lat)
		fmt.Fprintf(e.stdout, "%s / engine on the same %d queries: p50 %.0fx, p95 %.0fx, p99 %.0fx\n", r.name, len(r.lat),
			ratio(p[0], eng[0]), ratio(p[1], eng[1]), ratio(p[2], eng[2]))
	}
	pc := percentiles(cpu)
	fmt.Fprintf(e.stdout, "engine CPU time per query (thread clock, immune to waiting for a core): p50 %s, p95 %s, p99 %s, max %s\n",
		fmtDur(pc[0]), fmtDur(pc[1]), fmtDur(pc[2]), fmtDur(pc[3]))
	cpuKind := map[string][]time.Duration{}
	for i, q := range qs {
		cpuKind[q.kind] = append(cpuKind[q.kind], cpu[i])
	}
	fmt.Fprintln(e.stdout, "\nengine latency by query kind (wall clock; cpu = thread CPU time):")
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tqueries\tp50\tp95\tp99\tmax\tcpu p50\tcpu p99\t")
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		p := percentiles(byKind[k])
		c := percentiles(cpuKind[k])
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", k, len(byKind[k]), fmtDur(p[0]), fmtDur(p[1]), fmtDur(p[2]), fmtDur(p[3]), fmtDur(c[0]), fmtDur(c[2]))
	}
	tw.Flush()
	slowest := make([]int, len(qs))
	for i := range slowest {
		slowest[i] = i
	}
	sort.Slice(slowest, func(a, b int) bool { return cpu[slowest[a]] > cpu[slowest[b]] })
	fmt.Fprintln(e.stdout, "\nslowest engine queries by CPU time:")
	for _, i := range slowest[:min(5, len(slowest))] {
		q := qs[i]
		fmt.Fprintf(e.stdout, "  %s cpu, %s wall: customer %d q=%q states=%v types=%v (%s)\n", fmtDur(cpu[i]), fmtDur(lat[i]), q.customer, q.req.Q, q.req.States, q.req.PlaceTypes, q.kind)
	}
	fmt.Fprintf(e.stdout, "\nbuild %s; process memory at the end, index still live: %s\n", build.Round(time.Millisecond), procMemory())
	runtime.KeepAlive(ix)
	return nil
}

// benchQueries makes the query set: customers with the smallest and the
// largest grants, and a seeded mix of query kinds.
func benchQueries(ctx context.Context, s pursuit.Store, ix *search.Index, n int, seed uint64) ([]benchQuery, error) {
	var custs []int64
	if err := s.ScanKeys(ctx, pursuit.TableCustomers, func(id int64) error { custs = append(custs, id); return nil }); err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	type sized struct {
		id      int64
		visible int
	}
	var sz []sized
	for _, id := range custs {
		res, err := ix.SearchContacts(id, search.Request{Limit: 1})
		if err != nil {
			return nil, err
		}
		if res.Total > 0 {
			sz = append(sz, sized{id, res.Total})
		}
	}
	if len(sz) == 0 {
		return nil, errors.New("no customer has any grant: generate a dataset with customers and grants first")
	}
	sort.Slice(sz, func(i, j int) bool { return sz[i].visible < sz[j].visible })
	k := max(1, len(sz)/4)
	small, large := sz[:k], sz[len(sz)-k:]

	r := rand.New(rand.NewPCG(seed, 7))
	// Rare words: last names of contacts sampled by id.
	var rare []string
	maxID, _ := s.Count(ctx, pursuit.TableContacts)
	for len(rare) < 50 && maxID > 0 {
		cs, err := s.ListContacts(ctx, pursuit.ListOptions{After: r.Int64N(maxID), Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 && isWord(cs[0].LastName) {
			rare = append(rare, strings.ToLower(cs[0].LastName))
		}
	}
	if len(rare) == 0 {
		rare = []string{"smith"}
	}
	qs := make([]benchQuery, 0, n)
	for len(qs) < n {
		var q benchQuery
		c := large
		grant := "nationwide"
		if r.IntN(2) == 0 {
			c, grant = small, "small"
		}
		q.customer = c[r.IntN(len(c))].id
		switch r.IntN(6) {
		case 0:
			q.kind, q.words = "common", []string{benchCommon[r.IntN(len(benchCommon))]}
		case 1:
			q.kind, q.words = "mid", []string{benchMid[r.IntN(len(benchMid))]}
		case 2:
			q.kind, q.words = "rare", []string{rare[r.IntN(len(rare))]}
		case 3:
			q.kind, q.phrase = "phrase", benchPhrases[r.IntN(len(benchPhrases))]
		case 4:
			q.kind, q.words = "two-words", []string{benchCommon[r.IntN(len(benchCommon))], benchMid[r.IntN(len(benchMid))]}
		case 5:
			q.kind = "filters-only"
		}
		filtered := q.kind == "filters-only" || r.IntN(2) == 0
		if filtered {
			q.req.States = []string{benchStates[r.IntN(len(benchStates))]}
			if r.IntN(2) == 0 {
				q.req.States = append(q.req.States, benchStates[r.IntN(len(benchStates))])
			}
			if r.IntN(3) == 0 {
				q.req.PlaceTypes = []string{pursuit.PlaceTypes[r.IntN(4)]}
			}
			if r.IntN(3) == 0 {
				v := true
				q.req.HasEmail = &v
			}
			if r.IntN(4) == 0 {
				m := int64(10000)
				q.req.PopulationMin = &m
			}
			q.kind += "+filters"
		}
		q.kind += "/" + grant
		q.req.Q = q.q()
		q.req.Limit = 20
		q.req.Facets = true
		qs = append(qs, q)
	}
	return qs, nil
}

func isWord(s string) bool {
	if len(s) < 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'z' || (r > 'Z' && r < 'a') {
			return false
		}
	}
	return true
}

func runBaseline(ctx context.Context, qs []benchQuery, timeout time.Duration, run func(context.Context, benchQuery) error) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, 0, len(qs))
	t0 := time.Now()
	for _, q := range qs {
		qctx, cancel := context.WithTimeout(ctx, timeout)
		qt := time.Now()
		err := run(qctx, q)
		lat = append(lat, time.Since(qt))
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return nil, 0, fmt.Errorf("query %q: %w", q.q(), err)
		}
	}
	return lat, time.Since(t0), nil
}

// sqlFilters renders the request's filters as SQL over contacts c and
// places p, with ? placeholders.
func sqlFilters(q benchQuery, dollar bool, args []any) (string, []any) {
	var b strings.Builder
	ph := func(v any) string {
		args = append(args, v)
		if dollar {
			return fmt.Sprintf("$%d", len(args))
		}
		return "?"
	}
	if len(q.req.States) > 0 {
		var ps []string
		for _, s := range q.req.States {
			ps = append(ps, ph(s))
		}
		b.WriteString(" AND p.state_abbr IN (" + strings.Join(ps, ",") + ")")
	}
	if len(q.req.PlaceTypes) > 0 {
		b.WriteString(" AND p.place_type = " + ph(q.req.PlaceTypes[0]))
	}
	if q.req.HasEmail != nil {
		b.WriteString(" AND c.email <> ''")
	}
	if q.req.PopulationMin != nil {
		b.WriteString(" AND p.population >= " + ph(*q.req.PopulationMin))
	}
	return b.String(), args
}

// sqliteBaseline is the FTS5 baseline's own index: a contentless FTS5
// table, bench_fts, over the contacts' name, title, department and email
// with positions and column sizes (for phrases and bm25), in a scratch
// file attached to one read connection of the store. The store's own
// contacts_fts holds only what its text search needs (no email, no
// positions: docs/schema.md, "Full text"), so the baseline builds the
// full-text index the seed's design describes for itself, as the
// PostgreSQL baseline builds its English index.
type sqliteBaseline struct {
	conn *sql.Conn
	dir  string
}

// openSQLiteBaseline builds bench_fts from the store's contacts.
func openSQLiteBaseline(ctx context.Context, db *sqlite.DB, out io.Writer) (b *sqliteBaseline, err error) {
	// Beside the store: a temporary directory may be small, or memory.
	dir, err := os.MkdirTemp(filepath.Dir(db.Path()), ".pursuit-bench-fts-")
	if err != nil {
		return nil, fmt.Errorf("sqlite baseline: %w", err)
	}
	path := filepath.Join(dir, "fts.db")
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("sqlite baseline: %w", err)
	}
	b = &sqliteBaseline{conn: conn, dir: dir}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	fmt.Fprintln(out, "sqlite: building the baseline's FTS5 index (name, title, department, email; positions, column sizes) in a scratch file")
	t := time.Now()
	for _, q := range []string{
		"ATTACH DATABASE '" + strings.ReplaceAll(path, "'", "''") + "' AS bench",
		// A scratch file, removed after: no journal, no syncs.
		"PRAGMA bench.journal_mode = OFF",
		"PRAGMA bench.synchronous = OFF",
		"PRAGMA bench.cache_size = -65536",
		`CREATE VIRTUAL TABLE bench.bench_fts USING fts5 (name, title, department, email,
			content = '', tokenize = 'unicode61 remove_diacritics 2')`,
		"BEGIN",
		"INSERT INTO bench.bench_fts (bench_fts, rank) VALUES ('automerge', 0)",
		"INSERT INTO bench.bench_fts (rowid, name, title, department, email) SELECT contact_id, name, title, department, email FROM main.contacts",
		"INSERT INTO bench.bench_fts (bench_fts) VALUES ('optimize')",
		"COMMIT",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return nil, fmt.Errorf("sqlite baseline: %s: %w", strings.Fields(q)[0], err)
		}
	}
	fmt.Fprintf(out, "sqlite: baseline index built in %s\n", time.Since(t).Round(100*time.Millisecond))
	return b, nil
}

// close detaches and removes the scratch file and gives the connection
// back to the store's pool.
func (b *sqliteBaseline) close() {
	if _, err := b.conn.ExecContext(context.Background(), "DETACH DATABASE bench"); err != nil {
		// Still attached to a file about to be removed: the pool must
		// not hand this connection out again.
		b.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	b.conn.Close()
	os.RemoveAll(b.dir)
}

// sqliteQuery runs a query against the baseline's FTS5 table: the ranked
// top 20 and the total, both restricted to the customer's grants.
func sqliteQuery(ctx context.Context, db *sql.Conn, q benchQuery) error {
	var match string
	if len(q.words) > 0 || len(q.phrase) > 0 {
		var parts []string
		for _, w := range q.words {
			parts = append(parts, `"`+w+`"`)
		}
		if len(q.phrase) > 0 {
			parts = append(parts, `"`+strings.Join(q.phrase, " ")+`"`)
		}
		match = strings.Join(parts, " ")
	}
	grant := `(EXISTS (SELECT 1 FROM customer_place_relation g WHERE g.customer_id = ? AND g.place_id = c.place_id)
		OR EXISTS (SELECT 1 FROM customer_contact_relation g WHERE g.customer_id = ? AND g.contact_id = c.contact_id))`
	args := []any{q.customer, q.customer}
	filters, args := sqlFilters(q, false, args)
	var from, order string
	if match != "" {
		from = "bench.bench_fts f JOIN contacts c ON c.contact_id = f.rowid JOIN places p ON p.place_id = c.place_id"
		filters = " AND bench_fts MATCH ?" + filters
		args = append([]any{q.customer, q.customer, match}, args[2:]...)
		order = "bm25(bench_fts), c.contact_id"
	} else {
		from = "contacts c JOIN places p ON p.place_id = c.place_id"
		order = "c.contact_id"
	}
	top := "SELECT c.contact_id FROM " + from + " WHERE " + grant + filters + " ORDER BY " + order + " LIMIT 20"
	rows, err := db.QueryContext(ctx, top, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var total int64
	return db.QueryRowContext(ctx, "SELECT count(*) FROM "+from+" WHERE "+grant+filters, args...).Scan(&total)
}

// pgQuery runs a query against the pursuit_english GIN index (see
// engineTSQuery), ranked by ts_rank, and returns the total and the ids of
// the top 20.
func pgQuery(ctx context.Context, pool *pgxpool.Pool, q benchQuery) (int64, []int64, error) {
	args := []any{q.customer}
	grant := `(EXISTS (SELECT 1 FROM customer_place_relation g WHERE g.customer_id = $1 AND g.place_id = c.place_id)
		OR EXISTS (SELECT 1 FROM customer_contact_relation g WHERE g.customer_id = $1 AND g.contact_id = c.contact_id))`
	var rank, match string
	if tsq := engineTSQuery(q.words, q.phrase); tsq != "" {
		args = append(args, tsq)
		match = " AND " + pgEnglishTSV + " @@ $2::tsquery"
		rank = "ts_rank(" + pgEnglishTSV + ", $2::tsquery) DESC, "
	}
	filters, args := sqlFilters(q, true, args)
	from := " FROM contacts c JOIN places p ON p.place_id = c.place_id WHERE " + grant + match + filters
	rows, err := pool.Query(ctx, "SELECT c.contact_id"+from+" ORDER BY "+rank+"c.contact_id LIMIT 20", args...)
	if err != nil {
		return 0, nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	var total int64
	err = pool.QueryRow(ctx, "SELECT count(*)"+from, args...).Scan(&total)
	return total, ids, err
}

func percentiles(l []time.Duration) [4]time.Duration {
	if len(l) == 0 {
		return [4]time.Duration{}
	}
	s := slices.Clone(l)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return [4]time.Duration{at(0.50), at(0.95), at(0.99), s[len(s)-1]}
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// threadCPU returns the CPU time of the calling OS thread.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// procMemory reads the resident and peak resident memory of the process.
func procMemory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var rss, hwm string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf("VmRSS %s, VmHWM %s", rss, hwm)
}

// writeHeapProfile writes the live heap to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the profile shows the heap as of the last collection
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write heap profile: %w", err)
	}
	return f.Close()
}

// printMemory prints where the index's bytes go (search.Index.Memory),
// per part and per contact, with the Go heap's live bytes beside.
func printMemory(w io.Writer, ix *search.Index, contacts int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	parts := ix.Memory()
	var total, off int64
	for _, p := range parts {
		total += p.Bytes
		off += p.OffHeap
	}
	per := func(b int64) float64 { return float64(b) / float64(max(contacts, 1)) }
	fmt.Fprintf(w, "index memory: %d MiB (%.0f bytes per contact), %d MiB of it off the Go heap; Go heap in use %d MiB\n",
		total>>20, per(total), off>>20, ms.HeapInuse>>20)
	for _, p := range parts {
		fmt.Fprintf(w, "  %-22s %6d MiB %6.0f B/contact (off heap %d MiB)\n", p.Name, p.Bytes>>20, per(p.Bytes), p.OffHeap>>20)
	}
}
