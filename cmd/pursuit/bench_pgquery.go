package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kljensen/snowball/english"

	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/search/analysis"
)

// The PostgreSQL baseline of bench search asks the question the engine
// answers. The engine stems with the Snowball English stemmer, expands
// abbreviations ("dir" is director) and rewrites multi-word names to one
// term ("information technology" is it), on documents and queries alike.
// PostgreSQL's simple configuration (the store's own full-text index) does
// none of that, and its english configuration drops "it" as a stop word.
// So the baseline indexes contacts with pursuit_english (the english
// configuration's Snowball stemmer without a stop word list) and turns
// each engine term into an OR of the lexemes that stand for it in such a
// document: the term itself (Snowball English on both sides), every
// abbreviation that expands to it, and, for a multi-word synonym, each of
// its forms as a phrase.

// pgEnglishSetup creates what the baseline needs, when missing: the text
// search configuration, the document function and its GIN index.
var pgEnglishSetup = []string{
	`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'pursuit_english_stem') THEN
			CREATE TEXT SEARCH DICTIONARY pursuit_english_stem (TEMPLATE = snowball, Language = english);
		END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'pursuit_english') THEN
			CREATE TEXT SEARCH CONFIGURATION pursuit_english (COPY = english);
			ALTER TEXT SEARCH CONFIGURATION pursuit_english
				ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH pursuit_english_stem;
		END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'pursuit_contact_tsv_english') THEN
			-- The engine splits an email into its words; so does this.
			CREATE FUNCTION pursuit_contact_tsv_english(name text, title text, department text, email text) RETURNS tsvector
				LANGUAGE sql IMMUTABLE PARALLEL SAFE
				RETURN to_tsvector('pursuit_english'::regconfig, name || ' ' || title || ' ' || department || ' ' || translate(email, '@.-_+', '     '));
		END IF;
	END $$`,
}

// pgEnglishIndex is the GIN index of the baseline's documents.
const pgEnglishIndex = `CREATE INDEX IF NOT EXISTS contacts_english_tsv_idx ON contacts
	USING gin (pursuit_contact_tsv_english(name, title, department, email))`

// pgEnglishTSV is the document expression the queries use (the index's).
const pgEnglishTSV = "pursuit_contact_tsv_english(c.name, c.title, c.department, c.email)"

// preparePGEnglish runs pgEnglishSetup and builds the index when it is
// missing, saying so (a GIN build over millions of contacts takes a
// while; later runs reuse it).
func preparePGEnglish(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	for _, q := range pgEnglishSetup {
		if _, err := pool.Exec(ctx, q); err != nil {
			return fmt.Errorf("postgres baseline setup: %w", err)
		}
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('contacts_english_tsv_idx') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("postgres baseline setup: %w", err)
	}
	if exists {
		return nil
	}
	fmt.Fprintln(out, "postgres: building contacts_english_tsv_idx (GIN over pursuit_english, the baseline's documents; kept for later runs)")
	t := time.Now()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, pgEnglishIndex); err != nil {
		return fmt.Errorf("postgres baseline: create index: %w", err)
	}
	if _, err := conn.Exec(ctx, `ANALYZE contacts`); err != nil {
		return fmt.Errorf("postgres baseline: analyze: %w", err)
	}
	fmt.Fprintf(out, "postgres: index built in %s\n", time.Since(t).Round(100*time.Millisecond))
	return nil
}

// abbrevLexemes maps an engine term to the lexemes, as Snowball English
// leaves them, of the abbreviations that expand to it ("director": dir).
var abbrevLexemes = func() map[string][]string {
	var a analysis.Analyzer
	m := map[string][]string{}
	for abbr, full := range analysis.Abbreviations {
		t := a.Plain(full)
		if len(t) != 1 {
			continue
		}
		m[t[0]] = append(m[t[0]], snowballLexeme(abbr))
	}
	for t, ls := range m {
		slices.Sort(ls)
		m[t] = slices.Compact(ls)
	}
	return m
}()

// snowballLexeme is what the pursuit_english configuration makes of one
// word: lower-cased and stemmed by Snowball English, which the engine's
// analyser uses too.
func snowballLexeme(w string) string {
	var a analysis.Analyzer
	// The Analyzer would expand an abbreviation; stem the word as written.
	if _, ok := analysis.Abbreviations[strings.ToLower(w)]; ok {
		return snowballStem(strings.ToLower(w))
	}
	t := a.Plain(w)
	if len(t) == 1 {
		return t[0]
	}
	return strings.ToLower(w)
}

// snowballStem stems a lower-case word as the analyser does: words of
// two letters and words with digits stay as they are (PostgreSQL's parser
// gives the latter to the simple dictionary).
func snowballStem(w string) string {
	if len(w) <= 2 || strings.ContainsAny(w, "0123456789") {
		return w
	}
	return english.Stem(w, true)
}

// tsLexeme quotes a lexeme for tsquery input (no normalisation applies to
// a tsquery literal).
func tsLexeme(l string) string { return "'" + strings.ReplaceAll(l, "'", "''") + "'" }

// termAlternatives is the tsquery that matches a document holding the
// engine term t: t, its abbreviations, and each multi-word form of a
// synonym as a phrase (a dropped stop word widens the distance: "department
// of public works" is 'depart' <2> 'public' <-> 'work').
func termAlternatives(t string) string {
	alts := []string{tsLexeme(t)}
	for _, l := range abbrevLexemes[t] {
		if l != t {
			alts = append(alts, tsLexeme(l))
		}
	}
	var a analysis.Analyzer
	for _, form := range analysis.Synonyms[t] {
		var b strings.Builder
		dist, n := 1, 0
		for _, w := range strings.Fields(form) {
			terms := a.Plain(w)
			if len(terms) == 0 {
				dist++ // a stop word the engine drops still takes a position here
				continue
			}
			if n > 0 {
				if dist == 1 {
					b.WriteString(" <-> ")
				} else {
					fmt.Fprintf(&b, " <%d> ", dist)
				}
			}
			b.WriteString(wordAlternatives(terms[0]))
			dist = 1
			n++
		}
		if n > 1 {
			alts = append(alts, "("+b.String()+")")
		}
	}
	return orOf(alts)
}

// orOf joins alternatives with |, each once, in their first order.
func orOf(alts []string) string {
	var out []string
	for _, a := range alts {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return "(" + strings.Join(out, " | ") + ")"
}

// wordAlternatives is termAlternatives without the synonyms: a word inside
// a synonym's form.
func wordAlternatives(t string) string {
	alts := []string{tsLexeme(t)}
	for _, l := range abbrevLexemes[t] {
		if l != t {
			alts = append(alts, tsLexeme(l))
		}
	}
	return orOf(alts)
}

// engineTSQuery is the tsquery of the engine's analysis of a query of
// plain words (all required) and at most one phrase, "" when nothing is
// left to match: the words are analysed together as the engine analyses
// them (so "chief information officer" is the one term cio), each term
// becomes termAlternatives, and a phrase of several terms requires them in
// order.
func engineTSQuery(words, phrase []string) string {
	var a analysis.Analyzer
	var parts []string
	seen := map[string]bool{}
	for _, t := range a.Canonical(strings.Join(words, " ")) {
		if !seen[t] {
			seen[t] = true
			parts = append(parts, termAlternatives(t))
		}
	}
	if len(phrase) > 0 {
		terms := a.Canonical(strings.Join(phrase, " "))
		alts := make([]string, len(terms))
		for i, t := range terms {
			alts[i] = termAlternatives(t)
		}
		if len(alts) > 1 {
			parts = append(parts, "("+strings.Join(alts, " <-> ")+")")
		} else if len(alts) == 1 {
			parts = append(parts, alts[0])
		}
	}
	return strings.Join(parts, " & ")
}

// benchAnswer is what one system answered to one query: the total and
// the ids of the top 20.
type benchAnswer struct {
	total int64
	top   []int64
	err   error // a timed-out baseline query has no answer
}

func engineAnswer(res search.ContactResult) benchAnswer {
	a := benchAnswer{total: int64(res.Total)}
	for _, h := range res.Hits {
		a.top = append(a.top, h.Contact.ContactID)
	}
	return a
}

// printOverlap compares the engine's answers with PostgreSQL's, per query
// kind: how many totals are equal, the mean relative difference of the
// totals, and the share of the engine's top 20 that PostgreSQL's top 20
// holds (the rankings differ, BM25 with signals against ts_rank, so equal
// match sets still order their ties differently; where the total is at
// most 20 the top 20 is the whole set and must be equal).
func printOverlap(w io.Writer, qs []benchQuery, eng, pg []benchAnswer) {
	type acc struct {
		n, equal, small, smallEqual int
		relDiff, overlap            float64
	}
	byKind := map[string]*acc{}
	all := &acc{}
	for i := range min(len(qs), len(eng), len(pg)) {
		if pg[i].err != nil {
			continue
		}
		kind := strings.SplitN(qs[i].kind, "/", 2)[0]
		kind = strings.TrimSuffix(kind, "+filters")
		for _, a := range []*acc{all, byKind[kind]} {
			if a == nil {
				a = &acc{}
				byKind[kind] = a
			}
			e, p := eng[i], pg[i]
			a.n++
			if e.total == p.total {
				a.equal++
			}
			if m := max(e.total, p.total); m > 0 {
				a.relDiff += float64(abs64(e.total-p.total)) / float64(m)
			}
			in := map[int64]bool{}
			for _, id := range p.top {
				in[id] = true
			}
			hit := 0
			for _, id := range e.top {
				if in[id] {
					hit++
				}
			}
			if len(e.top) == 0 && len(p.top) == 0 {
				a.overlap++
			} else if n := max(len(e.top), len(p.top)); n > 0 {
				a.overlap += float64(hit) / float64(n)
			}
			if e.total <= 20 {
				a.small++
				if e.total == p.total && hit == len(e.top) {
					a.smallEqual++
				}
			}
		}
	}
	fmt.Fprintln(w, "\nengine vs postgres-tsvector (pursuit_english, the engine's terms): the same question?")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tqueries\ttotals equal\tmean |Δtotal|/max\ttop-20 overlap\ttotal<=20: same set\t")
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	row := func(name string, a *acc) {
		if a.n == 0 {
			return
		}
		fmt.Fprintf(tw, "%s\t%d\t%d (%.0f%%)\t%.2f%%\t%.0f%%\t%d of %d\t\n", name, a.n, a.equal, 100*float64(a.equal)/float64(a.n),
			100*a.relDiff/float64(a.n), 100*a.overlap/float64(a.n), a.smallEqual, a.small)
	}
	for _, k := range kinds {
		row(k, byKind[k])
	}
	row("all", all)
	tw.Flush()
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
