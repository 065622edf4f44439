// Package feed derives each customer's change feed from change_log and
// delivers it to webhooks: the deriver (this file) turns changes into
// per-customer events with the customer's grants as of each change and
// masking applied; the dispatcher stores them with its position in one
// transaction (an outbox) and sends the deliveries it enqueued, signed
// per the Standard Webhooks specification, with retries and SSRF checks.
//
// docs/feed.md explains the events, the cursor, the outbox and why.
package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/pursuit-gov/pursuit"
)

// rowKey names one row of one table.
type rowKey struct {
	table     string
	key, key2 int64
}

// later is one change of a row after some seq: its seq and the row's
// image before it (nil: the row did not exist).
type later struct {
	seq int64
	old any
}

// snapshot answers "what was this row at seq s" within one store
// snapshot: the Old image of the row's first change after s, or the
// current row when it has none.
type snapshot struct {
	ctx  context.Context
	r    pursuit.FeedReader
	next map[rowKey][]later // every change of the loaded range, by row, in seq order
	// byParent lists, per parent key, the rows whose Old image named it
	// (a contact or tech row's place, a grant's place or contact), so that
	// rows that left a parent after s are found.
	byParent map[rowKey][]int64
	changes  []pursuit.ChangeImage
	olds     []any
}

func loadSnapshot(ctx context.Context, r pursuit.FeedReader, after, upto int64) (*snapshot, error) {
	changes, err := r.Changes(ctx, after, upto)
	if err != nil {
		return nil, fmt.Errorf("read change log (%d, %d]: %w", after, upto, err)
	}
	s := &snapshot{ctx: ctx, r: newCachedReader(r), next: map[rowKey][]later{}, byParent: map[rowKey][]int64{}, changes: changes}
	s.olds = make([]any, len(changes))
	for i, c := range changes {
		var old any
		if c.Old != nil {
			old, err = pursuit.DecodeImage(c.Table, c.Old)
			if err != nil {
				return nil, fmt.Errorf("change %d: %w", c.Seq, err)
			}
		}
		s.olds[i] = old
		k := rowKey{c.Table, c.Key, c.Key2}
		s.next[k] = append(s.next[k], later{c.Seq, old})
		switch o := old.(type) {
		case *pursuit.Contact:
			s.byParent[rowKey{pursuit.TableContacts, o.PlaceID, 0}] = append(s.byParent[rowKey{pursuit.TableContacts, o.PlaceID, 0}], o.ContactID)
		case *pursuit.TechStack:
			s.byParent[rowKey{pursuit.TableTechStack, o.PlaceID, 0}] = append(s.byParent[rowKey{pursuit.TableTechStack, o.PlaceID, 0}], o.TechStackID)
		case *pursuit.CustomerPlaceRelation:
			s.byParent[rowKey{pursuit.TableCustomerPlaceRelation, o.PlaceID, 0}] = append(s.byParent[rowKey{pursuit.TableCustomerPlaceRelation, o.PlaceID, 0}], o.CustomerID)
		case *pursuit.CustomerContactRelation:
			s.byParent[rowKey{pursuit.TableCustomerContactRelation, o.ContactID, 0}] = append(s.byParent[rowKey{pursuit.TableCustomerContactRelation, o.ContactID, 0}], o.CustomerID)
		}
	}
	return s, nil
}

// rolled returns the image of row k as of seq s when a change after s is
// loaded (found true), or found false when the current row holds.
func (s *snapshot) rolled(k rowKey, seq int64) (old any, found bool) {
	list := s.next[k]
	i := sort.Search(len(list), func(i int) bool { return list[i].seq > seq })
	if i == len(list) {
		return nil, false
	}
	return list[i].old, true
}

// asOf returns row id of table as of seq: rolled back from a loaded
// change, or read by read as the current row (nil when there is none).
func asOf[T any](s *snapshot, table string, id, seq int64, read func(context.Context, int64) (T, bool, error)) (*T, error) {
	if old, ok := s.rolled(rowKey{table, id, 0}, seq); ok {
		v, _ := old.(*T)
		return v, nil
	}
	v, ok, err := read(s.ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

func (s *snapshot) contact(id, seq int64) (*pursuit.Contact, error) {
	return asOf(s, pursuit.TableContacts, id, seq, s.r.Contact)
}

func (s *snapshot) place(id, seq int64) (*pursuit.Place, error) {
	return asOf(s, pursuit.TablePlaces, id, seq, s.r.Place)
}

func (s *snapshot) tech(id, seq int64) (*pursuit.TechStack, error) {
	return asOf(s, pursuit.TableTechStack, id, seq, s.r.TechStack)
}

func (s *snapshot) mapping(id, seq int64) (*pursuit.CustomerMapping, error) {
	return asOf(s, pursuit.TableCustomerMapping, id, seq, s.r.Mapping)
}

// placeAccess is a customer's place grant as of seq ("" for none).
func (s *snapshot) placeAccess(customerID, placeID, seq int64) (string, error) {
	if old, ok := s.rolled(rowKey{pursuit.TableCustomerPlaceRelation, customerID, placeID}, seq); ok {
		if g, _ := old.(*pursuit.CustomerPlaceRelation); g != nil {
			return g.AccessType, nil
		}
		return "", nil
	}
	g, ok, err := s.r.PlaceGrant(s.ctx, customerID, placeID)
	if err != nil || !ok {
		return "", err
	}
	return g.AccessType, nil
}

// contactGrant is a customer's contact grant as of seq ("" for none).
func (s *snapshot) contactGrant(customerID, contactID, seq int64) (string, error) {
	if old, ok := s.rolled(rowKey{pursuit.TableCustomerContactRelation, customerID, contactID}, seq); ok {
		if g, _ := old.(*pursuit.CustomerContactRelation); g != nil {
			return g.AccessType, nil
		}
		return "", nil
	}
	g, ok, err := s.r.ContactGrant(s.ctx, customerID, contactID)
	if err != nil || !ok {
		return "", err
	}
	return g.AccessType, nil
}

// contactAccess is a customer's effective access to a contact (as it was
// at seq) as of seq: the more permissive of its contact grant and its
// place's grant.
func (s *snapshot) contactAccess(customerID int64, c *pursuit.Contact, seq int64) (string, error) {
	if c == nil {
		return "", nil
	}
	a, err := s.contactGrant(customerID, c.ContactID, seq)
	if err != nil {
		return "", err
	}
	b, err := s.placeAccess(customerID, c.PlaceID, seq)
	if err != nil {
		return "", err
	}
	return pursuit.MorePermissive(a, b), nil
}

// candidates returns the ids of rows of table whose parent is parent now
// or was in a loaded image (a superset of its children at any loaded seq).
func (s *snapshot) candidates(table string, parent int64, current []int64) []int64 {
	out := append(current, s.byParent[rowKey{table, parent, 0}]...)
	slices.Sort(out)
	return slices.Compact(out)
}

// placeCustomers returns the customers with a grant on the place at seq
// or at seq2.
func (s *snapshot) placeCustomers(placeID int64, seqs ...int64) ([]int64, error) {
	cur, err := s.r.GrantsOfPlace(s.ctx, placeID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(cur))
	for _, g := range cur {
		ids = append(ids, g.CustomerID)
	}
	var out []int64
	for _, k := range s.candidates(pursuit.TableCustomerPlaceRelation, placeID, ids) {
		for _, seq := range seqs {
			a, err := s.placeAccess(k, placeID, seq)
			if err != nil {
				return nil, err
			}
			if a != "" {
				out = append(out, k)
				break
			}
		}
	}
	return out, nil
}

// contactCustomers returns the customers with a direct grant on the
// contact at any of seqs.
func (s *snapshot) contactCustomers(contactID int64, seqs ...int64) ([]int64, error) {
	cur, err := s.r.GrantsOfContact(s.ctx, contactID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(cur))
	for _, g := range cur {
		ids = append(ids, g.CustomerID)
	}
	var out []int64
	for _, k := range s.candidates(pursuit.TableCustomerContactRelation, contactID, ids) {
		for _, seq := range seqs {
			a, err := s.contactGrant(k, contactID, seq)
			if err != nil {
				return nil, err
			}
			if a != "" {
				out = append(out, k)
				break
			}
		}
	}
	return out, nil
}

// contactsOfPlace returns the contacts of a place as of seq.
func (s *snapshot) contactsOfPlace(placeID, seq int64) ([]*pursuit.Contact, error) {
	cur, err := s.r.ContactsOfPlace(s.ctx, placeID)
	if err != nil {
		return nil, err
	}
	return rowsOfPlace(s, pursuit.TableContacts, placeID, seq, cur,
		func(c *pursuit.Contact) (int64, int64) { return c.ContactID, c.PlaceID }), nil
}

// techOfPlace returns the tech stack of a place as of seq.
func (s *snapshot) techOfPlace(placeID, seq int64) ([]*pursuit.TechStack, error) {
	cur, err := s.r.TechOfPlace(s.ctx, placeID)
	if err != nil {
		return nil, err
	}
	return rowsOfPlace(s, pursuit.TableTechStack, placeID, seq, cur,
		func(t *pursuit.TechStack) (int64, int64) { return t.TechStackID, t.PlaceID }), nil
}

// rowsOfPlace returns the rows of a place's child table as of seq: the
// current rows cur, each rolled back to seq where the log changed it
// since, plus those the log says belonged to the place then; keys gives
// a row's id and place id.
func rowsOfPlace[T any](s *snapshot, table string, placeID, seq int64, cur []T, keys func(*T) (id, place int64)) []*T {
	ids := make([]int64, 0, len(cur))
	byID := make(map[int64]*T, len(cur))
	for i := range cur {
		id, _ := keys(&cur[i])
		ids = append(ids, id)
		byID[id] = &cur[i]
	}
	var out []*T
	for _, id := range s.candidates(table, placeID, ids) {
		var r *T
		if old, ok := s.rolled(rowKey{table, id, 0}, seq); ok {
			r, _ = old.(*T)
		} else {
			r = byID[id]
		}
		if r == nil {
			continue
		}
		if _, place := keys(r); place == placeID {
			out = append(out, r)
		}
	}
	return out
}

// union returns the sorted distinct ids of the lists.
func union(lists ...[]int64) []int64 {
	var out []int64
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mustJSON marshals an event's data; the types marshal without error.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("feed: marshal event data: %v", err))
	}
	return b
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
