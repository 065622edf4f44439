package search

import (
	"context"
	"errors"
)

// Index is the in-memory search index. Its methods are safe for concurrent
// use: searches run under a read lock, and changes are applied in short
// batches under the write lock.
type Index struct{}

// Build scans src into a new index. The index remembers the change_log
// sequence number read before the scan; Follow or Sync applies the changes
// after it.
func Build(ctx context.Context, src Source, opt Options) (*Index, error) {
	return nil, errors.New("search: not implemented yet")
}

// Follow applies the change log until ctx is done, polling every
// Options.PollInterval and at once after Notify. It returns ctx.Err() when
// ctx ends; a failing read of the log is logged and retried.
func (ix *Index) Follow(ctx context.Context) error { return nil }

// Sync applies every change committed so far and returns.
func (ix *Index) Sync(ctx context.Context) error { return nil }

// Notify wakes Follow at once: in-process writers call it after a commit.
func (ix *Index) Notify() {}

// Stats returns the index's statistics.
func (ix *Index) Stats() Stats { return Stats{} }

// SearchContacts searches the contacts customerID can see. Errors are
// *pursuit.Error with code EINVALID naming the bad parameter ("q",
// "state", "cursor", …).
func (ix *Index) SearchContacts(customerID int64, req Request) (ContactResult, error) {
	return ContactResult{}, nil
}

// SearchPlaces searches the places customerID holds a place grant for.
// Contact-only filters (departments, functions, seniorities, verified
// since, has email, has phone) are EINVALID.
func (ix *Index) SearchPlaces(customerID int64, req Request) (PlaceResult, error) {
	return PlaceResult{}, nil
}
