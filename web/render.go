package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// templates holds one parsed template set per page: the layout and the
// shared partials (base.html) with the page's own file.
type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("Jan 2, 2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("Jan 2, 2006 15:04 UTC")
	},
	"num": func(n any) string {
		s := fmt.Sprint(n)
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		if neg {
			return "-" + b.String()
		}
		return b.String()
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"query": func(v url.Values) string { return v.Encode() },
	"label": label,
	"int":   func(n int64) int { return int(n) },
	"has":   func(list []string, v string) bool { return slices.Contains(list, v) },
	"rowsOf": func(rows []contactRow, sel bool, csrf string) rowsData {
		return rowsData{Rows: rows, Select: sel, CSRF: csrf}
	},
}

// rowsData is what the contactRows template gets.
type rowsData struct {
	Rows   []contactRow
	Select bool
	CSRF   string
}

// acronyms are values a label writes in capitals.
var acronyms = map[string]string{"it": "IT", "hr": "HR", "erp": "ERP", "gis": "GIS", "crm": "CRM", "cad": "CAD", "sis": "SIS", "lms": "LMS"}

// label turns a stored value (a place type, a function) into words.
func label(s string) string {
	if s == "" {
		return "—"
	}
	if a, ok := acronyms[s]; ok {
		return a
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func loadTemplates() (*templates, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(templateFS, "templates/base.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse base.html: %w", err)
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := path.Base(n)
		if name == "base.html" {
			continue
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		t.pages[strings.TrimSuffix(name, ".html")] = c
	}
	return t, nil
}

// page is what every template gets: the viewer, the page's title and nav
// item, a one-time notice, and the page's own data.
type page struct {
	Title  string
	Nav    string
	V      *viewer
	CSRF   string
	Notice string
	Data   any
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.tpl.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	p.V = viewerFrom(r.Context())
	if p.CSRF == "" {
		p.CSRF = p.V.CSRF
	}
	if p.Notice == "" {
		p.Notice = r.URL.Query().Get("notice")
		if len(p.Notice) > 200 {
			p.Notice = ""
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Code    string
	Message string
	Field   string
}

// renderError writes the HTML error page of err: its HTTP status, its
// stable code and a message that says what to do. The cause of an
// internal error is logged, never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpapi.HTTPStatus(err)
	code := pursuit.ErrorCode(err)
	msg := pursuit.ErrorMessage(err)
	var pe *pursuit.Error
	if !errors.As(err, &pe) || code == pursuit.EINTERNAL {
		s.log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "Something went wrong on our side. Try again; if it keeps happening, tell your Pursuit contact the time it happened."
	}
	title := http.StatusText(status)
	switch code {
	case pursuit.ENOTFOUND:
		title = "Not found"
		msg = "There is nothing here, or it is not part of your data. Check the address, or search for it."
	case pursuit.EFORBIDDEN:
		title = "Not allowed"
	}
	if status == 499 {
		status = http.StatusServiceUnavailable
	}
	s.render(w, r, status, "error", page{Title: title, Data: errorView{Status: status, Code: code, Message: msg, Field: pursuit.ErrorField(err)}})
}

// redirect answers a form post with 303 See Other to target, carrying a
// notice for the next page.
func redirect(w http.ResponseWriter, r *http.Request, target, notice string) {
	if notice != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "notice=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// fmtDate formats a date for tables, "—" when unknown.
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

func urlEscape(s string) string { return url.QueryEscape(s) }
