package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestBulkTextEqualsOneByOne checks the build's analysis of names and
// emails in pieces (indexTextBulk: names and domains from the arena's
// dictionaries analysed once, an email's local part apart from its
// domain) against following the same contacts one at a time, which
// analyses each whole text with Terms. The names and emails are chosen
// to break the pieces: words of multi-word synonyms on both sides of a
// space or an "@" ("John Public" at "works.gov"), stop words,
// abbreviations, apostrophes, accents and other non-ASCII letters,
// digits, names written apart from first and last, every pattern of
// local part the arena knows, with and without a rest after it.
func TestBulkTextEqualsOneByOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	words := []string{"John", "Public", "Works", "Human", "Resources", "Chief", "Information", "Officer",
		"Technology", "the", "of", "Asst", "Dir", "IT", "K", "12", "K12", "José", "García", "O'Brien",
		"Ann-Marie", "Łukasz", "Straße", "Nguyễn", "running", "Directors", "Smiths", "x", "Ñ", "Geographic",
		"Emergency", "Medical", "Services", "Department"}
	domains := []string{"works.gov", "public.works.gov", "city-of-smith.gov", "information-technology.org",
		"k12.ny.us", "Ejemplo.GOV", "resources.hr.gov", "the.gov", "x.y"}
	pick := func(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }
	for _, seed := range seeds(2) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 77))
			w := newWorld(r, 20, parallelText+r.IntN(500), 2)
			w.fixTimes()
			for i := range w.contacts {
				c := &w.contacts[i]
				c.FirstName, c.LastName = pick(r, words), pick(r, words)
				if r.IntN(4) == 0 {
					c.FirstName += " " + pick(r, words)
				}
				c.Name = c.FirstName + " " + c.LastName
				if r.IntN(8) == 0 {
					c.Name = pick(r, words) + " " + c.Name // not derived from first and last
				}
				f := strings.ReplaceAll(strings.ToLower(c.FirstName), " ", "")
				l := strings.ReplaceAll(strings.ToLower(c.LastName), " ", "")
				local := ""
				fs, ls := appendSlug(nil, c.FirstName), appendSlug(nil, c.LastName)
				switch r.IntN(8) {
				case 6, 7:
					if len(fs) > 0 && len(ls) > 0 {
						// The arena's patterns, with and without a
						// rest that may join the last word.
						local = string(appendPattern(nil, r.IntN(numPatterns), fs, ls)) +
							pick(r, []string{"", "", "2", ".x", "_hr", "works", "-it"})
						break
					}
					fallthrough
				case 0:
					local = f + "." + l
				case 1:
					local = string([]rune(f)[:1]) + l
				case 2:
					local = l + fmt.Sprint(r.IntN(3))
				case 3:
					local = strings.ReplaceAll(pick(r, words)+"_"+pick(r, words), " ", "")
				case 4:
					local = ""
				default:
					local = f + l
				}
				switch {
				case local == "":
					c.Email = ""
				default:
					c.Email = local + "@" + pick(r, domains)
				}
			}
			a := testdb.SQLite(t)
			w.load(t, a)
			built, err := Build(ctx, a, stateOptions(r))
			must(t, err)
			b := testdb.SQLite(t)
			opt := stateOptions(r)
			// Batches under parallelText: every contact through indexText's
			// Terms.
			opt.BatchSize = 1000
			followed, err := Build(ctx, b, opt)
			must(t, err)
			w.load(t, b)
			must(t, followed.Sync(ctx))
			sameState(t, "bulk text", built, followed)
		})
	}
}
