package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// Long values for the layout checks: a contact whose name and title are
// longer than any the generator makes.
const (
	longName  = "Maximiliana Alexandrovna Featherstonehaugh-Worthingtonshire"
	longTitle = "Deputy Assistant Director of Intergovernmental Affairs, Strategic Planning and Capital Improvement Programs"
)

// layoutJS reports what a page scrolls sideways: the page itself, and
// each .tablewrap whose content is wider than its box.
const layoutJS = `(() => {
  const d = document.documentElement;
  const out = [];
  if (d.scrollWidth > d.clientWidth) out.push('page ' + d.scrollWidth + '>' + d.clientWidth);
  document.querySelectorAll('.tablewrap').forEach((e, i) => { if (e.scrollWidth > e.clientWidth + 1) out.push('table ' + i + ' ' + e.scrollWidth + '>' + e.clientWidth); });
  return out.join('; ');
})()`

// unlabelledJS lists the visible form controls without a label.
const unlabelledJS = `Array.from(document.querySelectorAll('input, select, textarea, button')).filter(e =>
  e.type !== 'hidden' && e.offsetParent !== null &&
  !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') &&
  !(e.tagName === 'BUTTON' && e.textContent.trim())).map(e => e.tagName + '#' + e.id + '[' + e.name + ']').join(' ')`

// TestBrowserScreens walks the real pages over a small generated dataset
// (package gen, fixed seed) in headless chromium, as the README's
// screenshots show them: search, place, export, my accounts. At 1280×800
// neither the page nor the results table scrolls sideways, even with a
// contact whose name and title are longer than any generated one; at 390
// px the page does not scroll sideways. Every visible control has a label
// and keyboard focus is visible. The screenshots go to
// $PURSUIT_SCREENSHOTS (the README's are docs/screenshots) or a
// temporary directory.
func TestBrowserScreens(t *testing.T) {
	s := testdb.SQLite(t)
	g := newGenWorld(t, s, gen.Config{Seed: 1, Places: 150, Contacts: 1500, Customers: 4})
	cov := wantCoverage(t, s, g.cust.CustomerID)
	// A place of the customer's data that its CRM covers, for the place
	// page, and the long contact on it.
	var place pursuit.Place
	ms, err := s.ListCustomerMappings(ctx, g.cust.CustomerID, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	must(t, err)
	for _, m := range ms {
		if _, err := s.PlaceAccess(ctx, g.cust.CustomerID, m.PlaceID); m.PlaceID != 0 && err == nil {
			if p, err := s.GetPlace(ctx, m.PlaceID); err == nil && p.Population > place.Population {
				place = p
			}
		}
	}
	if place.PlaceID == 0 {
		t.Fatal("no mapped place in the customer's data")
	}
	long := pursuit.Contact{PlaceID: place.PlaceID, Name: longName, FirstName: "Maximiliana", LastName: "Featherstonehaugh-Worthingtonshire",
		Title: longTitle, Department: "Office of Intergovernmental Affairs and Strategic Planning", Email: "maximiliana.featherstonehaugh-worthingtonshire@" + strings.TrimPrefix(place.Website, "www."),
		Phone: "(512) 555-0199", VerifiedAt: time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)}
	must(t, s.CreateContact(ctx, &long))
	srv := newWebServer(t, s)
	dir := os.Getenv("PURSUIT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	snap := func(c context.Context, name string) {
		t.Helper()
		buf := get(t, c, "screenshot "+name, chromedp.CaptureScreenshot()) // the viewport: 1280×800 or 390×844
		must(t, os.MkdirAll(dir, 0o755))
		must(t, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644))
	}
	c := browser(t)
	base := srv.http.URL
	run(t, c, "sign in",
		chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), g.member.Email), chromedp.SendKeys(css("#password"), g.password),
		chromedp.Click(css("#signin")), chromedp.WaitVisible(css("#q")))
	if got := get(t, c, "labels", chromedp.Evaluate[string](unlabelledJS)); got != "" {
		t.Errorf("controls without a label on the search page: %s", got)
	}
	// Keyboard: the skip link takes the first Tab and shows its focus.
	run(t, c, "tab", chromedp.KeyEvent("\t"))
	focus := get(t, c, "focus", chromedp.Evaluate[string](`(() => { const e = document.activeElement, s = getComputedStyle(e); return e.className + ' ' + s.outlineStyle + ' ' + s.outlineWidth; })()`))
	if !strings.HasPrefix(focus, "skip solid 3px") {
		t.Errorf("first Tab: focused %q, want the skip link with a 3px outline", focus)
	}

	check := func(what string, wantTableOK bool) {
		t.Helper()
		got := get(t, c, "layout "+what, chromedp.Evaluate[string](layoutJS))
		if !wantTableOK {
			// At 390 px only the page must not scroll sideways.
			var page []string
			for _, p := range strings.Split(got, "; ") {
				if strings.HasPrefix(p, "page") {
					page = append(page, p)
				}
			}
			got = strings.Join(page, "; ")
		}
		if got != "" {
			t.Errorf("%s scrolls sideways: %s", what, got)
		}
	}
	for _, w := range []struct {
		width, height int
		suffix        string
	}{{1280, 800, ""}, {390, 844, "-390"}} {
		run(t, c, "viewport", chromedp.EmulateViewport(int64(w.width), int64(w.height)))
		// The long contact first, then the customer's whole data with a
		// facet ticked, as a rep would look at it.
		run(t, c, "long", chromedp.Navigate(base+"/search?q="+url.QueryEscape("Featherstonehaugh")), chromedp.WaitVisible(css("#results-table")))
		if !strings.Contains(get(t, c, "row", chromedp.TextContent(css("#results-table tbody"))), longTitle) {
			t.Fatalf("the long contact is not in the results")
		}
		check(fmt.Sprintf("search with a long name at %d px", w.width), w.width > 400)
		run(t, c, "search", chromedp.Navigate(base+"/search?q=director&state="+place.StateAbbr), chromedp.WaitVisible(css("#results-table")))
		check(fmt.Sprintf("search at %d px", w.width), w.width > 400)
		snap(c, "search"+w.suffix)
		if w.width < 400 {
			break
		}
		run(t, c, "place", chromedp.Navigate(fmt.Sprintf("%s/places/%d", base, place.PlaceID)), chromedp.WaitVisible(css("#place-name")))
		check("place page", true)
		if html := get(t, c, "place html", chromedp.OuterHTML(css("main"))); !strings.Contains(html, place.Name) {
			t.Errorf("place page lacks %s", place.Name)
		}
		snap(c, "place")
		run(t, c, "export", chromedp.Navigate(base+"/export?search="+url.QueryEscape("q=director&state="+place.StateAbbr)), chromedp.WaitVisible(css("#export-masked")))
		check("export page", true)
		snap(c, "export")
		run(t, c, "accounts", chromedp.Navigate(base+"/accounts"), chromedp.WaitVisible(css("#coverage")))
		if got := textOf(t, c, "#cov-whitespace"); atoi(t, got) != cov.whitespace {
			t.Errorf("accounts page whitespace %s, want %d", got, cov.whitespace)
		}
		check("accounts page", true)
		snap(c, "accounts")
	}
}
