package gen

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"hash"

	"github.com/pursuit-gov/pursuit"
)

// memWriter is a pursuit.BulkWriter that keeps every row, or with discard
// only counts and hashes them.
type memWriter struct {
	discard bool
	h       hash.Hash
	counts  map[string]int
	order   []string // tables in the order of their first batch
	batches int

	customers []pursuit.Customer
	places    []pursuit.Place
	contacts  []pursuit.Contact
	techs     []pursuit.TechStack
	pgrants   []pursuit.CustomerPlaceRelation
	cgrants   []pursuit.CustomerContactRelation
	mappings  []pursuit.CustomerMapping
}

func newMemWriter(discard bool) *memWriter {
	return &memWriter{discard: discard, h: sha256.New(), counts: map[string]int{}}
}

func (w *memWriter) note(table string, rows any, n int) {
	if w.counts[table] == 0 {
		w.order = append(w.order, table)
	}
	w.counts[table] += n
	w.batches++
	w.h.Write([]byte(table))
	json.NewEncoder(w.h).Encode(rows)
}

func (w *memWriter) UpsertCustomers(_ context.Context, rows []pursuit.Customer) error {
	w.note(pursuit.TableCustomers, rows, len(rows))
	if !w.discard {
		w.customers = append(w.customers, rows...)
	}
	return nil
}

func (w *memWriter) UpsertPlaces(_ context.Context, rows []pursuit.Place) error {
	w.note(pursuit.TablePlaces, rows, len(rows))
	if !w.discard {
		w.places = append(w.places, rows...)
	}
	return nil
}

func (w *memWriter) UpsertContacts(_ context.Context, rows []pursuit.Contact) error {
	w.note(pursuit.TableContacts, rows, len(rows))
	if !w.discard {
		w.contacts = append(w.contacts, rows...)
	}
	return nil
}

func (w *memWriter) UpsertTechStack(_ context.Context, rows []pursuit.TechStack) error {
	w.note(pursuit.TableTechStack, rows, len(rows))
	if !w.discard {
		w.techs = append(w.techs, rows...)
	}
	return nil
}

func (w *memWriter) UpsertPlaceGrants(_ context.Context, rows []pursuit.CustomerPlaceRelation) error {
	w.note(pursuit.TableCustomerPlaceRelation, rows, len(rows))
	if !w.discard {
		w.pgrants = append(w.pgrants, rows...)
	}
	return nil
}

func (w *memWriter) UpsertContactGrants(_ context.Context, rows []pursuit.CustomerContactRelation) error {
	w.note(pursuit.TableCustomerContactRelation, rows, len(rows))
	if !w.discard {
		w.cgrants = append(w.cgrants, rows...)
	}
	return nil
}

func (w *memWriter) UpsertCustomerMappings(_ context.Context, rows []pursuit.CustomerMapping) error {
	w.note(pursuit.TableCustomerMapping, rows, len(rows))
	if !w.discard {
		w.mappings = append(w.mappings, rows...)
	}
	return nil
}

func (w *memWriter) sum() string { return string(w.h.Sum(nil)) }

// countWriter is a pursuit.BulkWriter that only counts rows, for the
// benchmark.
type countWriter struct{ rows int64 }

func (w *countWriter) UpsertCustomers(_ context.Context, rows []pursuit.Customer) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertPlaces(_ context.Context, rows []pursuit.Place) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertContacts(_ context.Context, rows []pursuit.Contact) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertTechStack(_ context.Context, rows []pursuit.TechStack) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertPlaceGrants(_ context.Context, rows []pursuit.CustomerPlaceRelation) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertContactGrants(_ context.Context, rows []pursuit.CustomerContactRelation) error {
	w.rows += int64(len(rows))
	return nil
}
func (w *countWriter) UpsertCustomerMappings(_ context.Context, rows []pursuit.CustomerMapping) error {
	w.rows += int64(len(rows))
	return nil
}
