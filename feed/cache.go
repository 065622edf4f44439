package feed

import (
	"context"

	"github.com/pursuit-gov/pursuit"
)

// cachedReader remembers the current-row reads of one snapshot: the
// snapshot never changes, and a bulk load of contacts at one place asks
// for the same grants once per contact otherwise. Once every grant of a
// place or contact was read (GrantsOfPlace, GrantsOfContact), a grant
// of it that is not among them is known missing without a query: a
// contact seen by 100 customers costs one grant query, not 100.
type cachedReader struct {
	pursuit.FeedReader
	places        map[int64]cached[pursuit.Place]
	placeGrants   map[[2]int64]cached[pursuit.CustomerPlaceRelation]
	contactGrants map[[2]int64]cached[pursuit.CustomerContactRelation]
	byPlace       map[int64][]pursuit.CustomerPlaceRelation
	byContact     map[int64][]pursuit.CustomerContactRelation
	techs         map[int64][]pursuit.TechStack
}

type cached[T any] struct {
	v  T
	ok bool
}

func newCachedReader(r pursuit.FeedReader) *cachedReader {
	return &cachedReader{FeedReader: r,
		places:        map[int64]cached[pursuit.Place]{},
		placeGrants:   map[[2]int64]cached[pursuit.CustomerPlaceRelation]{},
		contactGrants: map[[2]int64]cached[pursuit.CustomerContactRelation]{},
		byPlace:       map[int64][]pursuit.CustomerPlaceRelation{},
		byContact:     map[int64][]pursuit.CustomerContactRelation{},
		techs:         map[int64][]pursuit.TechStack{},
	}
}

func (c *cachedReader) Place(ctx context.Context, id int64) (pursuit.Place, bool, error) {
	if v, ok := c.places[id]; ok {
		return v.v, v.ok, nil
	}
	v, ok, err := c.FeedReader.Place(ctx, id)
	if err == nil {
		c.places[id] = cached[pursuit.Place]{v, ok}
	}
	return v, ok, err
}

func (c *cachedReader) PlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, bool, error) {
	k := [2]int64{customerID, placeID}
	if v, ok := c.placeGrants[k]; ok {
		return v.v, v.ok, nil
	}
	if _, ok := c.byPlace[placeID]; ok {
		return pursuit.CustomerPlaceRelation{}, false, nil // every grant of the place is cached
	}
	v, ok, err := c.FeedReader.PlaceGrant(ctx, customerID, placeID)
	if err == nil {
		c.placeGrants[k] = cached[pursuit.CustomerPlaceRelation]{v, ok}
	}
	return v, ok, err
}

func (c *cachedReader) ContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, bool, error) {
	k := [2]int64{customerID, contactID}
	if v, ok := c.contactGrants[k]; ok {
		return v.v, v.ok, nil
	}
	if _, ok := c.byContact[contactID]; ok {
		return pursuit.CustomerContactRelation{}, false, nil // every grant of the contact is cached
	}
	v, ok, err := c.FeedReader.ContactGrant(ctx, customerID, contactID)
	if err == nil {
		c.contactGrants[k] = cached[pursuit.CustomerContactRelation]{v, ok}
	}
	return v, ok, err
}

func (c *cachedReader) GrantsOfPlace(ctx context.Context, placeID int64) ([]pursuit.CustomerPlaceRelation, error) {
	if v, ok := c.byPlace[placeID]; ok {
		return v, nil
	}
	v, err := c.FeedReader.GrantsOfPlace(ctx, placeID)
	if err == nil {
		c.byPlace[placeID] = v
		for _, g := range v {
			c.placeGrants[[2]int64{g.CustomerID, placeID}] = cached[pursuit.CustomerPlaceRelation]{g, true}
		}
	}
	return v, err
}

func (c *cachedReader) GrantsOfContact(ctx context.Context, contactID int64) ([]pursuit.CustomerContactRelation, error) {
	if v, ok := c.byContact[contactID]; ok {
		return v, nil
	}
	v, err := c.FeedReader.GrantsOfContact(ctx, contactID)
	if err == nil {
		c.byContact[contactID] = v
		for _, g := range v {
			c.contactGrants[[2]int64{g.CustomerID, contactID}] = cached[pursuit.CustomerContactRelation]{g, true}
		}
	}
	return v, err
}

func (c *cachedReader) TechOfPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	if v, ok := c.techs[placeID]; ok {
		return v, nil
	}
	v, err := c.FeedReader.TechOfPlace(ctx, placeID)
	if err == nil {
		c.techs[placeID] = v
	}
	return v, err
}
