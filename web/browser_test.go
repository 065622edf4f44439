package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// chromium finds the browser, or skips the test outside CI.
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium found, and CI is set: .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium found (/usr/bin/chromium): skipping the browser tests; apt-get install chromium to run them")
	return ""
}

// browser starts a headless chromium for the test, at 1280×800.
func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	tctx, cancel3 := context.WithTimeout(bctx, 4*time.Minute) // a hang bound only; no speed is asserted
	t.Cleanup(cancel3)
	return tctx
}

func run(t *testing.T, c context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, c context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func js(expr string) chromedp.Action[chromedp.Void] { return chromedp.Evaluate[chromedp.Void](expr) }

// textOf reads an element's text.
func textOf(t *testing.T, c context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, c, "text of "+sel, chromedp.TextContent(css(sel))))
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

// waitText waits until an element's text is want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e && e.textContent.trim() === %q; })()`, sel, want),
		chromedp.WithPollingTimeout(10*time.Second))
}

// TestBrowser drives the web app in a real headless chromium, as a sales
// rep would: sign in; search and watch the results update without a
// reload; tick a facet and see the total narrow to its count; page
// forward and back; reveal a masked contact (its email is not in the DOM
// before, one credit is spent); save a search and run it again; put
// contacts on a list and export it, checking the CSV's rows and masking;
// and sign out.
func TestBrowser(t *testing.T) {
	s := testdb.SQLite(t)
	w := newWorld(t, s)
	srv := newWebServer(t, s)
	c := browser(t)
	base := srv.http.URL

	// Sign in.
	run(t, c, "sign in",
		chromedp.Navigate(base+"/search"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), w.userA.Email),
		chromedp.SendKeys(css("#password"), w.password),
		chromedp.Click(css("#signin")),
		chromedp.WaitVisible(css("#q")))
	all := atoi(t, textOf(t, c, "#total"))
	want, err := srv.ix.SearchContacts(w.a.CustomerID, search.Request{Limit: 1})
	must(t, err)
	if all != want.Total || all != 72 {
		t.Fatalf("total = %d, the index says %d (want 72)", all, want.Total)
	}

	// Type a query: the results update in place (the page is not
	// reloaded: a marker set on window survives).
	dir, err := srv.ix.SearchContacts(w.a.CustomerID, search.Request{Q: "director", Limit: 1})
	must(t, err)
	run(t, c, "type a query",
		js(`window.__marker = 42`),
		chromedp.SendKeys(css("#q"), "director"),
		waitText("#total", strconv.Itoa(dir.Total)))
	marker := get(t, c, "no reload", chromedp.Evaluate[int](`window.__marker || 0`))
	if marker != 42 {
		t.Fatalf("the page was reloaded while typing")
	}
	loc := get(t, c, "url", chromedp.Location())
	if !strings.Contains(loc, "q=director") {
		t.Fatalf("the URL does not hold the search: %s", loc)
	}

	// Tick the NM facet: the total narrows to the facet's count.
	facet := `#facet-state input[value="NM"]`
	countText := get(t, c, "facet count", chromedp.Evaluate[string](`document.querySelector('#facet-state input[value="NM"]').parentElement.querySelector('.count').textContent.trim()`))
	nm := atoi(t, countText)
	if nm == 0 || nm >= dir.Total {
		t.Fatalf("NM facet count %d of %d", nm, dir.Total)
	}
	run(t, c, "tick NM", chromedp.Click(css(facet)), waitText("#total", strconv.Itoa(nm)))

	// Page forward and back (limit 5 to have pages).
	run(t, c, "page 1", chromedp.Navigate(base+"/search?limit=5&q=director"), chromedp.WaitVisible(css("#next")))
	cell := "#results-table tbody tr td:nth-child(2)"
	first := textOf(t, c, cell)
	run(t, c, "next", chromedp.Click(css("#next")), chromedp.WaitVisible(css("#prev")))
	second := textOf(t, c, cell)
	if first == second {
		t.Fatalf("page 2 starts with the same row %q", first)
	}
	run(t, c, "prev", chromedp.Click(css("#prev")), waitText(cell, first))
	run(t, c, "browser back", chromedp.NavigateBack(), chromedp.WaitVisible(css("#results-table")), waitText(cell, second))

	// Reveal: the full email is not in the DOM before; one credit is
	// spent; the values show.
	run(t, c, "contact page", chromedp.Navigate(fmt.Sprintf("%s/contacts/%d", base, w.maskedID)), chromedp.WaitVisible(css("#reveal")))
	html := get(t, c, "dom", chromedp.OuterHTML(css("html")))
	if strings.Contains(html, w.maskedEm) {
		t.Fatalf("the masked email is in the DOM before the reveal")
	}
	if got := textOf(t, c, "#credits"); got != "3" {
		t.Fatalf("credits shown = %q, want 3", got)
	}
	run(t, c, "reveal", chromedp.Click(css("#reveal")), chromedp.WaitVisible(css(".notice")), waitText("#contact-email", w.maskedEm))
	cust, err := s.GetCustomer(ctx, w.a.CustomerID)
	must(t, err)
	if cust.RevealCredits != 2 {
		t.Fatalf("credits after one reveal = %d, want 2", cust.RevealCredits)
	}
	run(t, c, "reload", chromedp.Reload(), chromedp.WaitVisible(css("#contact-email")), waitText("#contact-email", w.maskedEm))
	if cust, _ = s.GetCustomer(ctx, w.a.CustomerID); cust.RevealCredits != 2 {
		t.Fatalf("viewing a revealed contact again spent a credit: %d left", cust.RevealCredits)
	}

	// Save a search and run it again.
	run(t, c, "search to save", chromedp.Navigate(base+"/search?q=finance&state=TX"), chromedp.WaitVisible(css("#save-name")))
	savedTotal := textOf(t, c, "#total")
	run(t, c, "save", chromedp.SendKeys(css("#save-name"), "TX finance"), chromedp.Click(css("#save-search")),
		chromedp.WaitVisible(css(".notice")),
		chromedp.Navigate(base+"/saved"), chromedp.WaitVisible(css("#saved")),
		chromedp.Click(css(`#saved a`)), chromedp.WaitVisible(css("#total")))
	if got := textOf(t, c, "#total"); got != savedTotal {
		t.Fatalf("re-run saved search total %s, want %s", got, savedTotal)
	}
	ss, err := s.ListSavedSearches(ctx, w.a.CustomerID, pursuit.ListOptions{})
	must(t, err)
	if len(ss) != 1 || ss[0].UserID != w.userA.UserID || !strings.Contains(ss[0].Query, "state=TX") {
		t.Fatalf("saved searches = %+v", ss)
	}

	// Put five NM (masked) and five TX (full) contacts on a new list.
	run(t, c, "tick NM contacts", chromedp.Navigate(base+"/search?state=NM&limit=5"), chromedp.WaitVisible(css("#results-table")),
		js(`document.querySelectorAll('#results-table input[type=checkbox]').forEach(e => e.click())`),
		chromedp.SendKeys(css("#new-list"), "Outreach"), chromedp.Click(css("#add-to-list")),
		chromedp.WaitVisible(css(".notice")))
	ls, err := s.ListLists(ctx, w.a.CustomerID, pursuit.ListOptions{})
	must(t, err)
	if len(ls) != 1 || ls[0].Items != 5 {
		t.Fatalf("lists = %+v", ls)
	}
	run(t, c, "tick TX contacts", chromedp.Navigate(base+"/search?state=TX&limit=5"), chromedp.WaitVisible(css("#results-table")),
		js(`document.querySelectorAll('#results-table input[type=checkbox]').forEach(e => e.click())`),
		chromedp.Click(css("#add-to-list")), chromedp.WaitVisible(css(".notice")))

	// Export the list: the page says how many rows are masked before it
	// runs; the CSV has the rows, masked ones masked.
	run(t, c, "export page", chromedp.Navigate(fmt.Sprintf("%s/export?list=%d", base, ls[0].ListID)), chromedp.WaitVisible(css("#export-masked")))
	if got := textOf(t, c, "#export-rows"); got != "10" {
		t.Fatalf("export rows %q, want 10", got)
	}
	if got := textOf(t, c, "#export-masked"); !strings.HasPrefix(got, "4 of them are masked") && !strings.HasPrefix(got, "5 of them are masked") {
		t.Fatalf("export masked note %q", got)
	}
	body := get(t, c, "download", chromedp.Evaluate[string](fmt.Sprintf(`fetch('/export/download?list=%d&format=salesforce_contact').then(r => r.text())`, ls[0].ListID),
		chromedp.EvalAwaitPromise))
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	must(t, err)
	if len(recs) != 11 || recs[0][0] != "First Name" || recs[0][4] != "Email" {
		t.Fatalf("CSV: %d records, header %v", len(recs), recs[0])
	}
	masked, full := 0, 0
	for _, r := range recs[1:] {
		id, _ := strconv.ParseInt(r[len(r)-1], 10, 64)
		ct, err := s.GetContact(ctx, id)
		must(t, err)
		access, err := s.ContactAccess(ctx, w.a.CustomerID, id)
		must(t, err)
		switch {
		case r[4] == ct.Email:
			full++
			if access != pursuit.AccessFull && id != w.maskedID {
				t.Errorf("contact %d exported in full without access or reveal", id)
			}
		case strings.Contains(r[4], "•"):
			masked++
			if access == pursuit.AccessFull {
				t.Errorf("contact %d exported masked with full access", id)
			}
		default:
			t.Errorf("contact %d: email %q is neither full nor masked", id, r[4])
		}
	}
	if masked+full != 10 || masked < 4 {
		t.Fatalf("CSV masking: %d masked, %d full", masked, full)
	}

	// The place page and its parts.
	run(t, c, "place", chromedp.Navigate(fmt.Sprintf("%s/places/%d", base, w.tx[0].PlaceID)), chromedp.WaitVisible(css("#place-name")))
	html = get(t, c, "place html", chromedp.OuterHTML(css("main")))
	for _, want := range []string{"Tyler Technologies", "001A000001", "Bob", "Finance"} {
		if !strings.Contains(html, want) {
			t.Errorf("place page lacks %q", want)
		}
	}

	// 390 px wide: the search page still works (no horizontal overflow of
	// the page itself).
	run(t, c, "narrow", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/search?q=director"), chromedp.WaitVisible(css("#total")))
	overflow := get(t, c, "overflow", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if overflow {
		wide := get(t, c, "widest", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.tablewrap')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8).join(' ')`))
		t.Errorf("the search page is wider than a 390 px screen: %s", wide)
	}
	run(t, c, "wide again", chromedp.EmulateViewport(1280, 800))

	// Sign out: the session is gone from the store.
	run(t, c, "sign out", chromedp.Click(css("#signout")), chromedp.WaitVisible(css("#email")))
	if _, _, err := s.SessionByHash(ctx, make([]byte, 32)); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("SessionByHash: %v", err)
	}

	// Customer B opens A's contact: the same 404 page as a missing id.
	run(t, c, "sign in as B", chromedp.SendKeys(css("#email"), w.userB.Email), chromedp.SendKeys(css("#password"), w.password),
		chromedp.Click(css("#signin")), chromedp.WaitVisible(css("#q")),
		chromedp.Navigate(fmt.Sprintf("%s/contacts/%d", base, w.fullID)), chromedp.WaitVisible(css("#error-code")))
	other := get(t, c, "other", chromedp.OuterHTML(css("main")))
	run(t, c, "missing", chromedp.Navigate(base+"/contacts/99999999"), chromedp.WaitVisible(css("#error-code")))
	missing := get(t, c, "missing", chromedp.OuterHTML(css("main")))
	if other != missing || !strings.Contains(other, "not_found") {
		t.Fatalf("another customer's contact page differs from a missing one:\n%s\n---\n%s", other, missing)
	}
}
