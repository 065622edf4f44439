package transfer

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

func benchContacts(n int) []pursuit.Contact {
	t := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	rows := make([]pursuit.Contact, n)
	for i := range rows {
		rows[i] = pursuit.Contact{ContactID: int64(i + 1), PlaceID: int64(i/30 + 1), Name: "Jennifer Martinez-Smith",
			FirstName: "Jennifer", LastName: "Martinez-Smith", Email: fmt.Sprintf("jmartinez%d@cityofspringfield.gov", i),
			Phone: "(217) 555-0142", Title: "Director of Public Works", Department: "Public Works, Streets",
			AccountOwner: "Bob", VerifiedAt: t, CreatedAt: t, UpdatedAt: t}
	}
	return rows
}

// BenchmarkDirWriterContacts measures writing contacts; rows/s is what
// matters (4.5M contacts should take a few seconds).
func BenchmarkDirWriterContacts(b *testing.B) {
	rows := benchContacts(10000)
	for _, format := range []string{FormatCSV, FormatJSONL} {
		b.Run(format, func(b *testing.B) {
			d, err := NewDirWriter(b.TempDir(), format)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.UpsertContacts(b.Context(), rows); err != nil {
					b.Fatal(err)
				}
			}
			if err := d.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkReadContacts measures decoding contacts files.
func BenchmarkReadContacts(b *testing.B) {
	rows := benchContacts(100000)
	for _, format := range []string{FormatCSV, FormatJSONL} {
		b.Run(format, func(b *testing.B) {
			dir := b.TempDir()
			d, err := NewDirWriter(dir, format)
			if err != nil {
				b.Fatal(err)
			}
			d.UpsertContacts(b.Context(), rows)
			d.Close()
			path := filepath.Join(dir, "contacts."+format)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, _ := os.Open(path)
				rr, _, _ := newRowReader(contactSpec, format, f)
				var c pursuit.Contact
				for {
					if err := rr.read(&c); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
					if err := c.Validate(); err != nil {
						b.Fatal(err)
					}
				}
				f.Close()
			}
			b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
