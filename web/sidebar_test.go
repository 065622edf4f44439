package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

var (
	fieldsetRE = regexp.MustCompile(`(?s)<fieldset class="facet" id="facet-([a-z_]+)">(.*?)</fieldset>`)
	optionRE   = regexp.MustCompile(`(?s)<input type="(?:checkbox|radio)" name="([a-z_]+)" value="([^"]*)" id="[^"]+" ?(checked)?>\s*<label[^>]*>[^<]*</label>(?: <span class="count"[^>]*>([^<]*)</span>)?`)
)

// sidebar reads the search page's facet groups: group → value → count
// ("checked" values are also listed in checked). It fails the test when
// an option of a facet group has no count.
func sidebar(t *testing.T, body string) (counts map[string]map[string]int, checked map[string]bool) {
	t.Helper()
	counts, checked = map[string]map[string]int{}, map[string]bool{}
	for _, g := range fieldsetRE.FindAllStringSubmatch(body, -1) {
		counts[g[1]] = map[string]int{}
		for _, o := range optionRE.FindAllStringSubmatch(g[2], -1) {
			if o[2] == "" { // the mapped group's "Any"
				continue
			}
			n, err := strconv.Atoi(strings.ReplaceAll(o[4], ",", ""))
			if err != nil {
				t.Errorf("facet %s option %q has no count (%q)", g[1], o[2], o[4])
			}
			counts[g[1]][o[2]] = n
			if o[3] != "" {
				checked[g[1]+"="+o[2]] = true
			}
		}
	}
	return counts, checked
}

// TestSearchSidebar checks the search page's sidebar on both stores: the
// state facet lists every state of the results with its count while one
// is ticked, the mapped / unmapped counts ignore the mapped choice but
// keep every other filter, the email status facet is there, and every
// option carries a count. Customer B, who sees one Oregon place and maps
// nothing, tries to count customer A's contacts through the same
// parameters and gets nothing of A's.
func TestSearchSidebar(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		srv := newWebServer(t, s)
		a := newClient(t, srv.http.URL)
		a.signIn(w.userA.Email, w.password)
		get := func(c *client, path string) (map[string]map[string]int, map[string]bool) {
			t.Helper()
			r := c.do("GET", path, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d\n%.600s", path, r.status, r.body)
			}
			return sidebar(t, r.body)
		}
		// A sees 36 contacts in TX (12 of them at the mapped place) and 36
		// in NM.
		f, ch := get(a, "/search?state=TX")
		if f["state"]["TX"] != 36 || f["state"]["NM"] != 36 || len(f["state"]) != 2 || !ch["state=TX"] || ch["state=NM"] {
			t.Errorf("state=TX: state facet %v, checked %v; want TX 36 (ticked) and NM 36", f["state"], ch)
		}
		if f["mapped"]["true"] != 12 || f["mapped"]["false"] != 24 {
			t.Errorf("state=TX: mapped counts %v, want 12 mapped and 24 not", f["mapped"])
		}
		for _, g := range []string{"state", "place_type", "function", "seniority", "department", "vendor", "email_status", "mapped"} {
			if len(f[g]) == 0 {
				t.Errorf("state=TX: no %s facet options: %v", g, f)
			}
		}
		sum := 0
		for _, n := range f["email_status"] {
			sum += n
		}
		if sum != 36 {
			t.Errorf("state=TX: email_status counts %v add up to %d, want 36", f["email_status"], sum)
		}
		// Ticking "mapped": the result narrows, the mapped counts stay,
		// and the state facet counts mapped contacts (none in NM).
		f, ch = get(a, "/search?state=TX&mapped=true")
		if f["mapped"]["true"] != 12 || f["mapped"]["false"] != 24 || !ch["mapped=true"] {
			t.Errorf("state=TX&mapped=true: mapped counts %v (checked %v), want 12 and 24", f["mapped"], ch)
		}
		if f["state"]["TX"] != 12 || len(f["state"]) != 1 {
			t.Errorf("state=TX&mapped=true: state facet %v, want TX 12 alone", f["state"])
		}
		if f["vendor"]["Tyler Technologies"] != 12 {
			t.Errorf("state=TX&mapped=true: vendor facet %v, want Tyler Technologies 12", f["vendor"])
		}
		// Two states ticked, another filter kept by every count.
		f, _ = get(a, "/search?state=TX,NM&mapped=false&q=director")
		if f["state"]["TX"]+f["state"]["NM"] == 0 || f["mapped"]["true"] == 0 || f["state"]["TX"] >= 24 {
			t.Errorf("q=director: state facet %v, mapped %v", f["state"], f["mapped"])
		}

		// Customer B: only its own state and its own (no) mappings, whatever
		// it ticks.
		b := newClient(t, srv.http.URL)
		b.signIn(w.userB.Email, w.password)
		for _, p := range []string{"/search", "/search?state=TX", "/search?state=TX,NM&mapped=true", "/search?state=NM&mapped=false", "/search?mapped=true&q=director"} {
			f, _ := get(b, p)
			for st, n := range f["state"] {
				if st != "OR" && n != 0 {
					t.Errorf("B %s: state facet counts %d contacts in %s", p, n, st)
				}
			}
			if f["mapped"]["true"] != 0 {
				t.Errorf("B %s: %d mapped contacts (B maps nothing)", p, f["mapped"]["true"])
			}
			if f["mapped"]["false"] > 12 {
				t.Errorf("B %s: %d unmapped contacts, but B sees 12", p, f["mapped"]["false"])
			}
		}
		if f, _ := get(b, "/search?state=TX"); f["state"]["OR"] != 12 || f["mapped"]["false"] != 0 {
			t.Errorf("B state=TX: state facet %v, mapped %v; want OR 12 listed and nothing unmapped in TX", f["state"], f["mapped"])
		}
	})
}
