package feed

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// Derive reads one snapshot of the store and returns the events of the
// changes after seq after, up to limit changes, and the seq it derived up
// to (after itself when the log has nothing new). Every event is computed
// from the rows and grants as they were at its change: a row that enters
// or leaves a customer's visibility (a grant change, a contact moving
// place) is created or deleted for that customer, contacts are masked by
// the customer's access at that change, and an update that changes
// nothing the customer can see is no event at all.
func Derive(ctx context.Context, store pursuit.FeedStore, after int64, limit int) (events []pursuit.FeedEvent, upto int64, err error) {
	upto, err = DeriveEach(ctx, store, after, limit, func(evs []pursuit.FeedEvent, to int64) (bool, error) {
		events = evs
		return false, nil
	})
	return events, upto, err
}

// DeriveEach is Derive over the whole log after seq after, in batches of
// up to limit changes, all from one snapshot of the store: emit gets each
// batch's events and the seq it reaches, in order, and returns whether to
// go on. It returns the seq of the last batch emitted (after when none).
//
// The snapshot holds the whole tail of the log in memory (a row as of a
// seq is the old image of its next change, which may lie past the batch),
// so a caller that took one batch per snapshot would read a tail of n
// changes n/limit times: quadratic after a bulk import of millions of
// rows. DeriveEach reads it once.
func DeriveEach(ctx context.Context, store pursuit.FeedStore, after int64, limit int, emit func(events []pursuit.FeedEvent, upto int64) (more bool, err error)) (upto int64, err error) {
	upto = after
	err = store.FeedSnapshot(ctx, func(r pursuit.FeedReader) error {
		head, err := r.LastSeq(ctx)
		if err != nil {
			return err
		}
		if head <= after {
			return nil
		}
		s, err := loadSnapshot(ctx, r, after, head)
		if err != nil {
			return err
		}
		if len(s.changes) == 0 { // seqs after the last change that are not changes
			_, err := emit(nil, head)
			if err == nil {
				upto = head
			}
			return err
		}
		limit := max(limit, 1)
		for from := 0; from < len(s.changes); from += limit {
			if err := ctx.Err(); err != nil {
				return err
			}
			to := min(from+limit, len(s.changes))
			var events []pursuit.FeedEvent
			for i := from; i < to; i++ {
				evs, err := s.derive(i)
				if err != nil {
					c := s.changes[i]
					return fmt.Errorf("derive change %d (%s %s %d): %w", c.Seq, c.Table, c.Op, c.Key, err)
				}
				events = append(events, evs...)
			}
			end := s.changes[to-1].Seq
			if to == len(s.changes) {
				end = head
			}
			more, err := emit(events, end)
			if err != nil {
				return err
			}
			upto = end
			if !more {
				return nil
			}
		}
		return nil
	})
	return upto, err
}

// derive returns the events of change i.
func (s *snapshot) derive(i int) ([]pursuit.FeedEvent, error) {
	c := s.changes[i]
	seq, prev := c.Seq, c.Seq-1
	switch c.Table {
	case pursuit.TableContacts:
		before, _ := s.olds[i].(*pursuit.Contact)
		after, err := s.contact(c.Key, seq)
		if err != nil {
			return nil, err
		}
		return s.contactEvents(seq, before, after, prev, seq, nil)
	case pursuit.TablePlaces:
		before, _ := s.olds[i].(*pursuit.Place)
		after, err := s.place(c.Key, seq)
		if err != nil {
			return nil, err
		}
		customers, err := s.placeCustomers(c.Key, prev, seq)
		if err != nil {
			return nil, err
		}
		var out []pursuit.FeedEvent
		for _, k := range customers {
			a0, err := s.placeAccess(k, c.Key, prev)
			if err != nil {
				return nil, err
			}
			a1, err := s.placeAccess(k, c.Key, seq)
			if err != nil {
				return nil, err
			}
			out = append(out, placeEvents(k, seq, vis(before, a0), vis(after, a1))...)
		}
		return out, nil
	case pursuit.TableTechStack:
		before, _ := s.olds[i].(*pursuit.TechStack)
		after, err := s.tech(c.Key, seq)
		if err != nil {
			return nil, err
		}
		var places []int64
		for _, t := range []*pursuit.TechStack{before, after} {
			if t != nil {
				places = append(places, t.PlaceID)
			}
		}
		var out []pursuit.FeedEvent
		for _, p := range union(places) {
			customers, err := s.placeCustomers(p, prev, seq)
			if err != nil {
				return nil, err
			}
			for _, k := range customers {
				b, err := s.techVisible(k, before, prev)
				if err != nil {
					return nil, err
				}
				a, err := s.techVisible(k, after, seq)
				if err != nil {
					return nil, err
				}
				out = append(out, techEvents(k, seq, b, a)...)
			}
		}
		return dedupe(out), nil
	case pursuit.TableCustomerPlaceRelation:
		return s.placeGrantEvents(c.Key, c.Key2, prev, seq)
	case pursuit.TableCustomerContactRelation:
		k := c.Key
		ct, err := s.contact(c.Key2, seq)
		if err != nil {
			return nil, err
		}
		if ct == nil {
			// Deleted before the grant (a cascade): its deletion was the
			// event.
			return nil, nil
		}
		return s.contactEvents(seq, ct, ct, prev, seq, []int64{k})
	case pursuit.TableCustomerMapping:
		before, _ := s.olds[i].(*pursuit.CustomerMapping)
		after, err := s.mapping(c.Key, seq)
		if err != nil {
			return nil, err
		}
		return mappingEvents(seq, before, after), nil
	}
	return nil, nil
}

// vis returns row when access is not "", else nil.
func vis[T any](row *T, access string) *T {
	if access == "" {
		return nil
	}
	return row
}

// techVisible returns t when its place is granted to customer k at seq.
func (s *snapshot) techVisible(k int64, t *pursuit.TechStack, seq int64) (*pursuit.TechStack, error) {
	if t == nil {
		return nil, nil
	}
	a, err := s.placeAccess(k, t.PlaceID, seq)
	return vis(t, a), err
}

// contactEvents compares a contact before (at seq prev) and after (at
// seq at) for the customers who could see either (only those of only,
// when given).
func (s *snapshot) contactEvents(seq int64, before, after *pursuit.Contact, prev, at int64, only []int64) ([]pursuit.FeedEvent, error) {
	customers := only
	if customers == nil {
		var lists [][]int64
		for _, x := range []struct {
			c   *pursuit.Contact
			seq int64
		}{{before, prev}, {after, at}} {
			if x.c == nil {
				continue
			}
			a, err := s.placeCustomers(x.c.PlaceID, x.seq)
			if err != nil {
				return nil, err
			}
			b, err := s.contactCustomers(x.c.ContactID, x.seq)
			if err != nil {
				return nil, err
			}
			lists = append(lists, a, b)
		}
		customers = union(lists...)
	}
	var out []pursuit.FeedEvent
	for _, k := range customers {
		a0, err := s.contactAccess(k, before, prev)
		if err != nil {
			return nil, err
		}
		a1, err := s.contactAccess(k, after, at)
		if err != nil {
			return nil, err
		}
		out = append(out, contactDiff(k, seq, before, a0, after, a1)...)
	}
	return out, nil
}

// placeGrantEvents are the events of a change of customer k's grant of a
// place: the place, its tech stack and its contacts enter, leave or
// change masking.
func (s *snapshot) placeGrantEvents(k, placeID, prev, seq int64) ([]pursuit.FeedEvent, error) {
	a0, err := s.placeAccess(k, placeID, prev)
	if err != nil {
		return nil, err
	}
	a1, err := s.placeAccess(k, placeID, seq)
	if err != nil || a0 == a1 {
		return nil, err
	}
	var out []pursuit.FeedEvent
	p, err := s.place(placeID, seq)
	if err != nil {
		return nil, err
	}
	if p != nil && (a0 == "") != (a1 == "") {
		out = append(out, placeEvents(k, seq, vis(p, a0), vis(p, a1))...)
		techs, err := s.techOfPlace(placeID, seq)
		if err != nil {
			return nil, err
		}
		for _, t := range techs {
			out = append(out, techEvents(k, seq, vis(t, a0), vis(t, a1))...)
		}
	}
	contacts, err := s.contactsOfPlace(placeID, seq)
	if err != nil {
		return nil, err
	}
	for _, c := range contacts {
		g, err := s.contactGrant(k, c.ContactID, seq)
		if err != nil {
			return nil, err
		}
		out = append(out, contactDiff(k, seq, c, pursuit.MorePermissive(g, a0), c, pursuit.MorePermissive(g, a1))...)
	}
	return out, nil
}

// Contact fields compared for contact.updated: every field but the
// timestamps, which would tell that a hidden field changed.
var contactFields = []string{"place_id", "name", "first_name", "last_name", "email", "phone", "title", "department", "account_owner", "email_status", "verified_at"}

// FieldChange is one changed field of an updated row.
type FieldChange struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// contactDiff returns customer k's events of a contact going from before
// (seen with access a0) to after (seen with a1).
func contactDiff(k, seq int64, before *pursuit.Contact, a0 string, after *pursuit.Contact, a1 string) []pursuit.FeedEvent {
	switch {
	case before == nil || a0 == "":
		if after == nil || a1 == "" {
			return nil
		}
		m := after.Masked(a1)
		return []pursuit.FeedEvent{{CustomerID: k, Seq: seq, Type: pursuit.EventContactCreated,
			Data: mustJSON(map[string]any{"contact": m, "access_type": a1})}}
	case after == nil || a1 == "":
		return []pursuit.FeedEvent{{CustomerID: k, Seq: seq, Type: pursuit.EventContactDeleted,
			Data: mustJSON(map[string]any{"contact_id": before.ContactID, "place_id": before.PlaceID})}}
	}
	b, a := before.Masked(a0), after.Masked(a1)
	changes := diff(&b, &a, contactFields)
	if len(changes) == 0 && a0 == a1 {
		return nil
	}
	data := map[string]any{"contact_id": a.ContactID, "changes": changes, "access_type": a1}
	var out []pursuit.FeedEvent
	if len(changes) > 0 || a0 != a1 {
		out = append(out, pursuit.FeedEvent{CustomerID: k, Seq: seq, Type: pursuit.EventContactUpdated, Data: mustJSON(data)})
	}
	_, title := changes["title"]
	if _, place := changes["place_id"]; title || place {
		out = append(out, pursuit.FeedEvent{CustomerID: k, Seq: seq, Type: pursuit.EventContactJobChanged, Data: mustJSON(data)})
	}
	return out
}

var placeFields = []string{"name", "place_type", "state_abbr", "county", "population", "website", "email_domain", "geoid", "nces_id", "account_owner", "fiscal_year_start"}

func placeEvents(k, seq int64, before, after *pursuit.Place) []pursuit.FeedEvent {
	switch {
	case before == nil && after == nil:
		return nil
	case before == nil:
		return []pursuit.FeedEvent{{CustomerID: k, Seq: seq, Type: pursuit.EventPlaceCreated, Data: mustJSON(map[string]any{"place": after})}}
	case after == nil:
		return []pursuit.FeedEvent{{CustomerID: k, Seq: seq, Type: pursuit.EventPlaceDeleted, Data: mustJSON(map[string]any{"place_id": before.PlaceID})}}
	}
	changes := diff(before, after, placeFields)
	if len(changes) == 0 {
		return nil
	}
	return []pursuit.FeedEvent{{CustomerID: k, Seq: seq, Type: pursuit.EventPlaceUpdated,
		Data: mustJSON(map[string]any{"place_id": after.PlaceID, "changes": changes})}}
}

// techEvents: a tech row appears (added), disappears (removed), or
// changes vendor, product, category or place (removed, then added).
func techEvents(k, seq int64, before, after *pursuit.TechStack) []pursuit.FeedEvent {
	ev := func(t string, x *pursuit.TechStack) pursuit.FeedEvent {
		return pursuit.FeedEvent{CustomerID: k, Seq: seq, Type: t, Data: mustJSON(map[string]any{"tech_stack": x})}
	}
	switch {
	case before == nil && after == nil:
		return nil
	case before == nil:
		return []pursuit.FeedEvent{ev(pursuit.EventTechStackAdded, after)}
	case after == nil:
		return []pursuit.FeedEvent{ev(pursuit.EventTechStackRemoved, before)}
	}
	if before.Vendor == after.Vendor && before.Product == after.Product && before.Category == after.Category && before.PlaceID == after.PlaceID {
		return nil
	}
	return []pursuit.FeedEvent{ev(pursuit.EventTechStackRemoved, before), ev(pursuit.EventTechStackAdded, after)}
}

var mappingFields = []string{"external_crm_id", "place_id", "contact_id", "account_owner", "last_synced_time"}

// mappingEvents: a customer's own CRM mappings, for that customer only.
func mappingEvents(seq int64, before, after *pursuit.CustomerMapping) []pursuit.FeedEvent {
	switch {
	case before == nil && after == nil:
		return nil
	case before == nil:
		return []pursuit.FeedEvent{{CustomerID: after.CustomerID, Seq: seq, Type: pursuit.EventMappingCreated, Data: mustJSON(map[string]any{"mapping": after})}}
	case after == nil:
		return []pursuit.FeedEvent{{CustomerID: before.CustomerID, Seq: seq, Type: pursuit.EventMappingDeleted,
			Data: mustJSON(map[string]any{"customer_mapping_id": before.CustomerMappingID})}}
	}
	if before.CustomerID != after.CustomerID {
		return append(mappingEvents(seq, before, nil), mappingEvents(seq, nil, after)...)
	}
	changes := diff(before, after, mappingFields)
	if len(changes) == 0 {
		return nil
	}
	return []pursuit.FeedEvent{{CustomerID: after.CustomerID, Seq: seq, Type: pursuit.EventMappingUpdated,
		Data: mustJSON(map[string]any{"customer_mapping_id": after.CustomerMappingID, "changes": changes})}}
}

// diff compares the fields (JSON names) of two structs of one type.
func diff[T any](before, after *T, fields []string) map[string]FieldChange {
	out := map[string]FieldChange{}
	bv, av := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	t := bv.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if !slices.Contains(fields, name) {
			continue
		}
		b, a := bv.Field(i).Interface(), av.Field(i).Interface()
		if !reflect.DeepEqual(b, a) {
			out[name] = FieldChange{Before: b, After: a}
		}
	}
	return out
}

// dedupe drops repeated events (a tech row whose place and customer came
// up twice).
func dedupe(evs []pursuit.FeedEvent) []pursuit.FeedEvent {
	var out []pursuit.FeedEvent
	for _, e := range evs {
		if !slices.ContainsFunc(out, func(o pursuit.FeedEvent) bool {
			return o.CustomerID == e.CustomerID && o.Type == e.Type && string(o.Data) == string(e.Data)
		}) {
			out = append(out, e)
		}
	}
	return out
}
