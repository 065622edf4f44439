package gen

import (
	"math/rand/v2"
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// TestFiscalYearAndEmailStatus checks the two later columns over random
// seeds: every value is valid; states' agencies follow their state's
// fiscal year; July is the most common start, with October and January
// next, well behind; a contact without an email is unverified; recently confirmed
// contacts are mostly verified and a minority of addresses bounce.
func TestFiscalYearAndEmailStatus(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 3 {
		cfg := Config{Seed: r.Int64(), Places: 1500 + r.IntN(1500), Customers: 3}
		cfg.Contacts = cfg.Places * (5 + r.IntN(10))
		w := generate(t, cfg, false)

		months := map[int64]int{}
		for _, p := range w.places {
			m := p.FiscalYearStart
			if m < 0 || m > 12 {
				t.Fatalf("seed %d: place %d fiscal_year_start %d", cfg.Seed, p.PlaceID, m)
			}
			months[m]++
			if want, ok := stateFiscalStart[p.StateAbbr]; p.PlaceType == pursuit.PlaceTypeStateAgency && m != 0 {
				if !ok {
					want = 7
				}
				if m != want {
					t.Errorf("seed %d: state agency %q in %s starts in month %d, want %d", cfg.Seed, p.Name, p.StateAbbr, m, want)
				}
			}
		}
		n := float64(len(w.places))
		if f := float64(months[7]) / n; f < 0.4 {
			t.Errorf("seed %d: %.0f%% of places start in July, want the most common start", cfg.Seed, 100*f)
		}
		if f := float64(months[0]) / n; f > 0.04 {
			t.Errorf("seed %d: %.1f%% of places have no fiscal year, want about 2%%", cfg.Seed, 100*f)
		}
		for _, m := range []int64{1, 10} {
			if months[m] < months[7]/20 || months[m] > months[7] {
				t.Errorf("seed %d: month %d starts %d fiscal years against July's %d", cfg.Seed, m, months[m], months[7])
			}
		}

		status := map[string]int{}
		var recent, recentVerified int
		for _, c := range w.contacts {
			if err := c.Validate(); err != nil || c.EmailStatus == "" {
				t.Fatalf("seed %d: contact %d email_status %q: %v", cfg.Seed, c.ContactID, c.EmailStatus, err)
			}
			if c.Email == "" && c.EmailStatus != pursuit.EmailUnverified {
				t.Fatalf("seed %d: contact %d has no email but is %s", cfg.Seed, c.ContactID, c.EmailStatus)
			}
			status[c.EmailStatus]++
			if !c.VerifiedAt.IsZero() && c.Email != "" && DefaultBase.Sub(c.VerifiedAt).Hours() < 300*24 {
				recent++
				if c.EmailStatus == pursuit.EmailVerified {
					recentVerified++
				}
			}
		}
		if f := float64(recentVerified) / float64(recent); f < 0.8 {
			t.Errorf("seed %d: %.0f%% of contacts confirmed in the last 300 days are verified, want over 80%%", cfg.Seed, 100*f)
		}
		if f := float64(status[pursuit.EmailBounced]) / float64(len(w.contacts)); f < 0.02 || f > 0.15 {
			t.Errorf("seed %d: %.1f%% bounced, want a minority of a few percent", cfg.Seed, 100*f)
		}
	}
}
