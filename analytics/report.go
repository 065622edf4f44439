package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pursuit-gov/pursuit/titles"
)

// Reports lists the ready reports by name.
var Reports = map[string]string{
	"coverage":             "places, contacts and how complete the contact data is, per group",
	"tech-adoption":        "share of places using each technology category and its leading vendor, per group",
	"contacts-by-function": "contacts and leaders (elected, executive, director) per job function (titles.Classify), per group",
}

// ReportNames returns the report names, sorted.
func ReportNames() []string {
	out := make([]string, 0, len(Reports))
	for n := range Reports {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// GroupBys lists the --by dimensions reports accept: a column of places.
var GroupBys = []string{"state", "place_type", "county"}

func groupColumn(by string) (string, error) {
	switch by {
	case "state", "state_abbr", "":
		return "state_abbr", nil
	case "place_type", "county":
		return by, nil
	}
	return "", fmt.Errorf("--by %q: must be one of %s", by, strings.Join(GroupBys, ", "))
}

// Report runs a ready report grouped by a column of places.
func (d *DB) Report(ctx context.Context, name, by string) (*Result, error) {
	col, err := groupColumn(by)
	if err != nil {
		return nil, err
	}
	g := "p." + ident(col)
	var q string
	switch name {
	case "coverage":
		q = fmt.Sprintf(`
WITH c AS (
  SELECT place_id, count(*) AS contacts,
         count(*) FILTER (WHERE email <> '') AS with_email,
         count(*) FILTER (WHERE phone <> '') AS with_phone,
         count(*) FILTER (WHERE verified_at IS NOT NULL) AS verified
  FROM contacts GROUP BY place_id),
t AS (SELECT place_id, count(*) AS techs FROM tech_stack GROUP BY place_id)
SELECT %[1]s AS %[2]s,
       count(*) AS places,
       count(c.place_id) AS places_with_contacts,
       round(100.0 * count(c.place_id) / count(*), 1) AS pct_places_with_contacts,
       coalesce(sum(c.contacts), 0)::BIGINT AS contacts,
       round(coalesce(sum(c.contacts), 0) / count(*), 1) AS contacts_per_place,
       round(100.0 * sum(c.with_email) / nullif(sum(c.contacts), 0), 1) AS pct_with_email,
       round(100.0 * sum(c.with_phone) / nullif(sum(c.contacts), 0), 1) AS pct_with_phone,
       round(100.0 * sum(c.verified) / nullif(sum(c.contacts), 0), 1) AS pct_verified,
       round(100.0 * count(t.place_id) / count(*), 1) AS pct_places_with_tech_stack,
       sum(p.population)::BIGINT AS population
FROM places p LEFT JOIN c ON c.place_id = p.place_id LEFT JOIN t ON t.place_id = p.place_id
GROUP BY 1 ORDER BY 1`, g, ident(by))
	case "tech-adoption":
		q = fmt.Sprintf(`
WITH n AS (SELECT %[1]s AS grp, count(*) AS places FROM places p GROUP BY 1),
u AS (
  SELECT %[1]s AS grp, ts.category, ts.vendor, count(DISTINCT ts.place_id) AS places
  FROM tech_stack ts JOIN places p ON p.place_id = ts.place_id GROUP BY 1, 2, 3),
cat AS (
  SELECT %[1]s AS grp, ts.category, count(DISTINCT ts.place_id) AS places
  FROM tech_stack ts JOIN places p ON p.place_id = ts.place_id GROUP BY 1, 2),
top AS (SELECT grp, category, arg_max(vendor, places) AS leading_vendor, max(places) AS leader_places FROM u GROUP BY 1, 2)
SELECT cat.grp AS %[2]s, cat.category, cat.places AS places_using,
       round(100.0 * cat.places / n.places, 1) AS pct_of_places,
       top.leading_vendor, round(100.0 * top.leader_places / cat.places, 1) AS leader_share_pct
FROM cat JOIN n ON n.grp = cat.grp JOIN top ON top.grp = cat.grp AND top.category = cat.category
ORDER BY 1, 3 DESC, 2`, g, ident(by))
	case "contacts-by-function":
		return d.contactsByFunction(ctx, g, by)
	default:
		return nil, fmt.Errorf("report %q: must be one of %s", name, strings.Join(ReportNames(), ", "))
	}
	return d.Query(ctx, q)
}

// contactsByFunction counts contacts per group and job function. DuckDB
// groups the contacts by (group, title, department), which leaves a few
// thousand distinct pairs however many contacts there are; each pair is
// classified once with titles.Classify, the taxonomy search uses, and the
// counts are summed per function in Go.
func (d *DB) contactsByFunction(ctx context.Context, g, by string) (*Result, error) {
	q := fmt.Sprintf(`SELECT %s AS grp, c.title, c.department, count(*) AS n
FROM contacts c JOIN places p ON p.place_id = c.place_id GROUP BY ALL`, g)
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ grp, function string }
	type counts struct{ contacts, leaders int64 }
	agg := map[key]*counts{}
	totals := map[string]int64{}
	for rows.Next() {
		var grp, title, dept *string
		var n int64
		if err := rows.Scan(&grp, &title, &dept, &n); err != nil {
			return nil, err
		}
		fn, sen := titles.Classify(deref(title), deref(dept))
		k := key{deref(grp), fn}
		c := agg[k]
		if c == nil {
			c = &counts{}
			agg[k] = c
		}
		c.contacts += n
		if sen == titles.SeniorityElected || sen == titles.SeniorityExecutive || sen == titles.SeniorityDirector {
			c.leaders += n
		}
		totals[k.grp] += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys := make([]key, 0, len(agg))
	for k := range agg {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.grp != b.grp {
			return a.grp < b.grp
		}
		if agg[a].contacts != agg[b].contacts {
			return agg[a].contacts > agg[b].contacts
		}
		return a.function < b.function
	})
	res := &Result{Columns: []string{by, "function", "contacts", "leaders", "pct_of_group"}}
	for _, k := range keys {
		c := agg[k]
		pct := float64(int64(1000*float64(c.contacts)/float64(totals[k.grp])+0.5)) / 10
		res.Rows = append(res.Rows, []any{k.grp, k.function, c.contacts, c.leaders, pct})
	}
	return res, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
