package lake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// ErrNotExported is returned by Sync when a table has not been exported
// yet.
var ErrNotExported = errors.New("lake: table not exported yet (run lake export first)")

// ErrOldSchema is returned by Sync when a table lacks a column this
// version of pursuit writes (a column added to the seed tables after the
// table was exported). Sync rewrites files, carrying unchanged row groups
// over as they are, so it does not mix files of two schemas; an export
// writes the table again with every column and keeps its id, and syncs
// continue from there.
var ErrOldSchema = errors.New("lake: table was exported before a column was added (run lake export to add it)")

// missingColumns returns the columns of the lake table name that the
// table's schema in md lacks.
func missingColumns(name string, md delta.Metadata) ([]string, error) {
	schema, err := md.Schema()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, f := range schema.Fields {
		have[f.Name] = true
	}
	var missing []string
	for _, f := range tableFields(name) {
		if !have[f.Name] {
			missing = append(missing, f.Name)
		}
	}
	return missing, nil
}

// SyncOptions tunes Sync.
type SyncOptions struct {
	Options
	// Log receives progress; nil means slog.Default().
	Log *slog.Logger
}

// SyncResult is what Sync applied.
type SyncResult struct {
	// From and To are the change_log seqs the sync started after and
	// ended at.
	From, To int64
	// Changes is the number of change_log rows read.
	Changes int
	Tables  []TableResult
}

// changeSet is the keys of one table changed after its txn version.
type changeSet map[rowKey]bool

// Sync applies to the lake every change_log row after the seq each table's
// txn action records: the rows changed since are re-read from the store
// and the files holding their old versions rewritten. Each table commits
// once, with a txn action of the new seq, so running Sync again applies
// nothing twice. A table in which nothing changed gets a commit with the
// txn alone, so it keeps up.
func Sync(ctx context.Context, s pursuit.Store, loc *Location, opt SyncOptions) (SyncResult, error) {
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	var res SyncResult
	includePII := false
	from := map[string]int64{}
	res.From = 1<<63 - 1
	for _, name := range Tables {
		snap, err := newTable(loc.Table(name), opt.Options).Snapshot(ctx)
		if errors.Is(err, delta.ErrNoTable) {
			return res, fmt.Errorf("sync %s: %w", name, ErrNotExported)
		}
		if err != nil {
			return res, fmt.Errorf("sync %s: %w", name, err)
		}
		missing, err := missingColumns(name, snap.Metadata)
		if err != nil {
			return res, fmt.Errorf("sync %s: %w", name, err)
		}
		if len(missing) > 0 {
			return res, fmt.Errorf("sync %s: no column %s: %w", name, strings.Join(missing, ", "), ErrOldSchema)
		}
		if c := snap.Metadata.Configuration[ConfigCustomer]; c != "" && c != "0" {
			return res, fmt.Errorf("sync %s: the lake is a per-customer export (customer %s), a snapshot: export it again instead", name, c)
		}
		from[name] = snap.TxnVersion(AppID)
		res.From = min(res.From, from[name])
		if snap.Metadata.Configuration[ConfigPII] == "included" {
			includePII = true
		}
	}
	to, err := s.LastSeq(ctx)
	if err != nil {
		return res, fmt.Errorf("read last change_log seq: %w", err)
	}
	res.To = max(to, res.From)
	if to <= res.From {
		res.To = res.From
		return res, nil
	}
	sets := map[string]changeSet{}
	for _, name := range Tables {
		sets[name] = changeSet{}
	}
	var changedPlaces []int64
	for after := res.From; after < to; {
		batch, err := s.Changes(ctx, after, 10000)
		if err != nil {
			return res, fmt.Errorf("read change_log after %d: %w", after, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, c := range batch {
			if c.Seq > to {
				break
			}
			res.Changes++
			after = c.Seq
			if c.Seq <= from[c.Table] {
				continue
			}
			set, ok := sets[c.Table]
			if !ok {
				continue
			}
			set[rowKey{c.Key, c.Key2}] = true
			if c.Table == pursuit.TablePlaces && c.Op == pursuit.OpUpdate && c.Seq > from[pursuit.TableContacts] {
				changedPlaces = append(changedPlaces, c.Key)
			}
		}
		after = batch[len(batch)-1].Seq
	}
	// A place's state is denormalised into its contacts: re-check them.
	for _, id := range changedPlaces {
		opts := pursuit.ListOptions{Limit: pursuit.MaxListLimit}
		for {
			cs, err := s.ListContactsByPlace(ctx, id, opts)
			if err != nil {
				return res, fmt.Errorf("list contacts of place %d: %w", id, err)
			}
			for _, c := range cs {
				sets[pursuit.TableContacts][rowKey{a: c.ContactID}] = true
			}
			if len(cs) < opts.Limit {
				break
			}
			opts.After = cs[len(cs)-1].ContactID
		}
	}
	f := &fetcher{s: s, sc: &scope{includePII: includePII}, states: map[int64]string{}}
	// The tables are independent Delta tables, each with its own commit
	// and txn version, so they sync at once: the contacts' rewrites
	// overlap the smaller tables' instead of waiting for them. Results
	// are reported in table order; a table that fails leaves the others'
	// commits in place, and the next Sync resumes each from its own txn.
	jobs := []func() (TableResult, error){
		func() (TableResult, error) {
			return syncTable(ctx, loc, customersSpec, sets[pursuit.TableCustomers], rowSource[CustomerRow]{one: f.customer, page: f.customers}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, placesSpec, sets[pursuit.TablePlaces], rowSource[PlaceRow]{one: f.place, page: f.places}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, contactsSpec, sets[pursuit.TableContacts], rowSource[ContactRow]{one: f.contact, page: f.contacts}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, techStackSpec, sets[pursuit.TableTechStack], rowSource[TechStackRow]{one: f.techStack, page: f.techStacks}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, placeGrantsSpec, sets[pursuit.TableCustomerPlaceRelation], rowSource[PlaceGrantRow]{one: f.placeGrant}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, contactGrantsSpec, sets[pursuit.TableCustomerContactRelation], rowSource[ContactGrantRow]{one: f.contactGrant}, to, opt)
		},
		func() (TableResult, error) {
			return syncTable(ctx, loc, mappingsSpec, sets[pursuit.TableCustomerMapping], rowSource[MappingRow]{one: f.mapping}, to, opt)
		},
	}
	results := make([]TableResult, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = job()
		}()
	}
	wg.Wait()
	for i, r := range results {
		if errs[i] != nil {
			return res, fmt.Errorf("sync %s: %w", r.Table, errs[i])
		}
		log.Info("lake sync", "table", r.Table, "version", r.Version, "changed_rows", r.Rows, "files", r.Files, "elapsed", r.Elapsed.Round(time.Millisecond))
		res.Tables = append(res.Tables, r)
	}
	return res, nil
}

// fetcher reads the current state of changed rows from the store.
type fetcher struct {
	s  pursuit.Store
	sc *scope
	// states caches places' states, shared by the tables' concurrent
	// syncs.
	mu     sync.Mutex
	states map[int64]string
}

func (f *fetcher) setState(place int64, st string) {
	f.mu.Lock()
	f.states[place] = st
	f.mu.Unlock()
}

// stateOf returns the state of a place, from the cache or the store.
func (f *fetcher) stateOf(ctx context.Context, place int64) (string, error) {
	f.mu.Lock()
	st, ok := f.states[place]
	f.mu.Unlock()
	if ok {
		return st, nil
	}
	p, err := f.s.GetPlace(ctx, place)
	if err != nil && !notFound(err) {
		return "", err
	}
	f.setState(place, p.StateAbbr)
	return p.StateAbbr, nil
}

func notFound(err error) bool { return pursuit.ErrorCode(err) == pursuit.ENOTFOUND }

func (f *fetcher) customer(ctx context.Context, k rowKey) (CustomerRow, bool, error) {
	c, err := f.s.GetCustomer(ctx, k.a)
	if notFound(err) {
		return CustomerRow{}, false, nil
	}
	if err != nil {
		return CustomerRow{}, false, err
	}
	r, ok := f.sc.customer(c)
	return r, ok, nil
}

func (f *fetcher) place(ctx context.Context, k rowKey) (PlaceRow, bool, error) {
	p, err := f.s.GetPlace(ctx, k.a)
	if notFound(err) {
		return PlaceRow{}, false, nil
	}
	if err != nil {
		return PlaceRow{}, false, err
	}
	f.setState(p.PlaceID, p.StateAbbr)
	return placeRow(p), true, nil
}

func (f *fetcher) contact(ctx context.Context, k rowKey) (ContactRow, bool, error) {
	c, err := f.s.GetContact(ctx, k.a)
	if notFound(err) {
		return ContactRow{}, false, nil
	}
	if err != nil {
		return ContactRow{}, false, err
	}
	st, err := f.stateOf(ctx, c.PlaceID)
	if err != nil {
		return ContactRow{}, false, err
	}
	r, ok := f.sc.contact(c, st)
	return r, ok, nil
}

func (f *fetcher) techStack(ctx context.Context, k rowKey) (TechStackRow, bool, error) {
	t, err := f.s.GetTechStack(ctx, k.a)
	if notFound(err) {
		return TechStackRow{}, false, nil
	}
	return techStackRow(t), err == nil, err
}

func (f *fetcher) placeGrant(ctx context.Context, k rowKey) (PlaceGrantRow, bool, error) {
	g, err := f.s.GetPlaceGrant(ctx, k.a, k.b)
	if notFound(err) {
		return PlaceGrantRow{}, false, nil
	}
	return placeGrantRow(g), err == nil, err
}

func (f *fetcher) contactGrant(ctx context.Context, k rowKey) (ContactGrantRow, bool, error) {
	g, err := f.s.GetContactGrant(ctx, k.a, k.b)
	if notFound(err) {
		return ContactGrantRow{}, false, nil
	}
	return contactGrantRow(g), err == nil, err
}

func (f *fetcher) mapping(ctx context.Context, k rowKey) (MappingRow, bool, error) {
	m, err := f.s.GetCustomerMapping(ctx, k.a)
	if notFound(err) {
		return MappingRow{}, false, nil
	}
	return mappingRow(m), err == nil, err
}

func (f *fetcher) customers(ctx context.Context, after int64, limit int) ([]CustomerRow, error) {
	cs, err := f.s.ListCustomers(ctx, pursuit.ListOptions{After: after, Limit: limit})
	var out []CustomerRow
	for _, c := range cs {
		if r, ok := f.sc.customer(c); ok {
			out = append(out, r)
		}
	}
	return out, err
}

func (f *fetcher) places(ctx context.Context, after int64, limit int) ([]PlaceRow, error) {
	ps, err := f.s.ListPlaces(ctx, pursuit.ListOptions{After: after, Limit: limit})
	out := make([]PlaceRow, 0, len(ps))
	for _, p := range ps {
		f.setState(p.PlaceID, p.StateAbbr)
		out = append(out, placeRow(p))
	}
	return out, err
}

func (f *fetcher) contacts(ctx context.Context, after int64, limit int) ([]ContactRow, error) {
	cs, err := f.s.ListContacts(ctx, pursuit.ListOptions{After: after, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]ContactRow, 0, len(cs))
	for _, c := range cs {
		st, err := f.stateOf(ctx, c.PlaceID)
		if err != nil {
			return nil, err
		}
		if r, ok := f.sc.contact(c, st); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fetcher) techStacks(ctx context.Context, after int64, limit int) ([]TechStackRow, error) {
	ts, err := f.s.ListTechStack(ctx, pursuit.ListOptions{After: after, Limit: limit})
	out := make([]TechStackRow, 0, len(ts))
	for _, t := range ts {
		out = append(out, techStackRow(t))
	}
	return out, err
}

// sortedKeys returns the first keys of a change set, sorted, for range
// checks against min/max stats.
func (cs changeSet) sortedKeys() []int64 {
	out := make([]int64, 0, len(cs))
	for k := range cs {
		out = append(out, k.a)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// anyIn reports whether a sorted slice holds a value in [lo, hi].
func anyIn(sorted []int64, lo, hi int64) bool {
	i, _ := slices.BinarySearch(sorted, lo)
	return i < len(sorted) && sorted[i] <= hi
}
