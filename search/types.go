package search

import (
	"context"
	"log/slog"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Limits of a Request.
const (
	DefaultLimit     = 20
	MaxLimit         = 1000
	DefaultFacetSize = 10
	MaxFacetSize     = 100
)

// Facet names, the keys of ContactResult.Facets and PlaceResult.Facets.
const (
	FacetState      = "state"
	FacetPlaceType  = "place_type"
	FacetFunction   = "function"
	FacetSeniority  = "seniority"
	FacetDepartment = "department"
	FacetVendor     = "vendor"
	// FacetEmailStatus counts contacts by pursuit.EmailStatuses.
	FacetEmailStatus = "email_status"
)

// Request is one search. Q is free text in the query syntax; every other
// field is a filter, ignored when empty or nil. Several values of one
// filter match any of them; different filters must all match.
type Request struct {
	Q string
	// States are two-letter state_abbr values ("NY").
	States []string
	// PlaceTypes are values of pursuit.PlaceTypes.
	PlaceTypes []string
	PlaceIDs   []int64
	// PopulationMin and PopulationMax bound the place's population,
	// inclusive.
	PopulationMin *int64
	PopulationMax *int64
	// Departments match a contact's department exactly, ignoring case.
	// Contacts search only.
	Departments []string
	// Functions and Seniorities are values of titles.Functions and
	// titles.Seniorities. Contacts search only.
	Functions   []string
	Seniorities []string
	// EmailStatuses are values of pursuit.EmailStatuses. Contacts search
	// only.
	EmailStatuses []string
	// Vendors, Products and Categories match the tech_stack of the place,
	// ignoring case.
	Vendors    []string
	Products   []string
	Categories []string
	// VerifiedSince keeps contacts verified at or after it. Contacts search
	// only.
	VerifiedSince time.Time
	// HasEmail and HasPhone keep contacts with (true) or without (false) an
	// email or phone. Contacts search only.
	HasEmail *bool
	HasPhone *bool
	// AccountOwner keeps rows the customer's own customer_mapping assigns
	// to this owner: a contact matches through a mapping of the contact or
	// of its place.
	AccountOwner string
	// Mapped keeps rows the customer has (true) or has not (false) mapped
	// to its CRM, through the same mappings as AccountOwner.
	Mapped *bool

	// Limit is the page size: 0 means DefaultLimit, at most MaxLimit.
	Limit int
	// Cursor is a previous result's NextCursor; "" starts at the top.
	Cursor string
	// Facets asks for facet counts over all matching rows.
	Facets bool
	// FacetSize is how many buckets the department and vendor facets keep:
	// 0 means DefaultFacetSize, at most MaxFacetSize.
	FacetSize int
	// SidebarCounts asks for what a filter sidebar shows besides Facets
	// (contacts search only): ContactResult.Mapped, the matching contacts
	// the customer has and has not mapped, counted as if Mapped were not
	// set; and, with Facets, the state facet counted as if States were
	// not set, so that it lists every state of the results and not only
	// the chosen ones. The hits, total and other facets are those of the
	// request as it is. One pass over the index computes them all.
	SidebarCounts bool
	// Signals asks for each contact hit's Signals (contacts search only),
	// for a re-ranker.
	Signals bool
	// Lean asks for lean contact hits, with their Signals: the contact's
	// ids and verified_at, its place's facts, function, seniority, access
	// and score, but no text (name, email, phone, title, department,
	// owner). A re-ranker asks for its candidates so, and completes the
	// few it shows with Index.CompleteHits.
	Lean bool
}

// Bucket is one value of a facet and the number of matching rows with it.
type Bucket struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// ContactHit is one contact of a result. Contact is masked when
// AccessType is masked.
type ContactHit struct {
	Contact    pursuit.Contact `json:"contact"`
	PlaceName  string          `json:"place_name"`
	PlaceType  string          `json:"place_type"`
	StateAbbr  string          `json:"state_abbr"`
	Function   string          `json:"function"`
	Seniority  string          `json:"seniority"`
	AccessType string          `json:"access_type"`
	Score      float64         `json:"score"`
	// Signals are set when Request.Signals asks for them; never encoded.
	Signals *Signals `json:"-"`
}

// ContactResult is a page of a contacts search.
type ContactResult struct {
	// Total is the number of contacts the customer can see that match.
	Total int          `json:"total"`
	Hits  []ContactHit `json:"hits"`
	// Facets maps a facet name (FacetState, …) to its buckets, biggest
	// first; nil unless Request.Facets.
	Facets map[string][]Bucket `json:"facets,omitempty"`
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
	// Mapped are the mapped and unmapped counts; nil unless
	// Request.SidebarCounts.
	Mapped *MappedCounts `json:"mapped_counts,omitempty"`
}

// MappedCounts split a result by the customer's CRM mappings (a contact
// is mapped directly or through its place, as for Request.Mapped).
type MappedCounts struct {
	Mapped   int `json:"mapped"`
	Unmapped int `json:"unmapped"`
}

// PlaceHit is one place of a result.
type PlaceHit struct {
	Place      pursuit.Place `json:"place"`
	Contacts   int           `json:"contacts"`
	AccessType string        `json:"access_type"`
	Score      float64       `json:"score"`
}

// PlaceResult is a page of a places search.
type PlaceResult struct {
	Total      int                 `json:"total"`
	Hits       []PlaceHit          `json:"hits"`
	Facets     map[string][]Bucket `json:"facets,omitempty"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// Weights are every ranking constant in one place. The score of a contact
// is the BM25 score of the query summed over the fields, each multiplied
// by its field weight, plus the static signals. docs/search.md explains
// the choice of each.
type Weights struct {
	// K1 and B are BM25's term-frequency saturation and length
	// normalisation.
	K1, B float64
	// Field weights.
	Name, Title, Department, Email float64
	// PlaceName and County weigh the fields of places search.
	PlaceName, County float64
	// Seniority adds Seniority × level, level 1 for elected/executive down
	// to 0.25 for staff.
	Seniority float64
	// Population adds Population × log10(population+1)/7.
	Population float64
	// Recency adds Recency × 2^(-age/RecencyHalfLife), the age of
	// verified_at at the time the index was built.
	Recency         float64
	RecencyHalfLife time.Duration
}

// DefaultWeights are the weights Build uses when Options.Weights is nil.
var DefaultWeights = Weights{
	K1: 1.2, B: 0.75,
	Name: 3, Title: 2, Department: 1.2, Email: 0.6,
	PlaceName: 3, County: 1,
	Seniority:       0.6,
	Population:      0.4,
	Recency:         0.4,
	RecencyHalfLife: 365 * 24 * time.Hour,
}

// Source is what the index reads: the Scan methods to build, the change
// log and the Get methods to follow. Every pursuit.Store is a Source.
type Source interface {
	LastSeq(ctx context.Context) (int64, error)
	Changes(ctx context.Context, after int64, limit int) ([]pursuit.Change, error)

	ScanPlaces(ctx context.Context, fn func(pursuit.Place) error) error
	ScanContacts(ctx context.Context, fn func(pursuit.Contact) error) error
	ScanTechStack(ctx context.Context, fn func(pursuit.TechStack) error) error
	ScanPlaceGrants(ctx context.Context, fn func(pursuit.CustomerPlaceRelation) error) error
	ScanContactGrants(ctx context.Context, fn func(pursuit.CustomerContactRelation) error) error
	ScanCustomerMappings(ctx context.Context, fn func(pursuit.CustomerMapping) error) error

	GetPlace(ctx context.Context, id int64) (pursuit.Place, error)
	GetContact(ctx context.Context, id int64) (pursuit.Contact, error)
	GetTechStack(ctx context.Context, id int64) (pursuit.TechStack, error)
	GetCustomerMapping(ctx context.Context, id int64) (pursuit.CustomerMapping, error)
	GetPlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, error)
	GetContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, error)

	// Secret gives the key cursors are sealed with (pursuit.SecretCursor),
	// the same for every index over the store.
	Secret(ctx context.Context, name string, size int) ([]byte, error)
}

var _ Source = pursuit.Store(nil)

// Options configure Build.
type Options struct {
	// Weights replaces DefaultWeights.
	Weights *Weights
	// PollInterval is how often Follow reads the change log; 0 means 25 ms.
	PollInterval time.Duration
	// MaxBackoff is the longest Follow waits between reads of a change log
	// that keeps failing; 0 means DefaultMaxBackoff.
	MaxBackoff time.Duration
	// BatchSize is how many changes Follow reads at a time; 0 means 5000.
	BatchSize int
	// Now is the clock (for the recency signal); nil means time.Now.
	Now func() time.Time
	// Logger receives build progress and follow errors; nil discards.
	Logger *slog.Logger
	// CursorKey replaces the secret cursors are sealed with, which Build
	// otherwise reads from the store (pursuit.SecretCursor, created there
	// by the first index that asks). Indexes accept each other's cursors
	// only when they have the same key. At least 16 bytes.
	CursorKey []byte
	// Rebuild, when set, is what Open does instead of Build when the
	// snapshot at its path cannot be used: write a fresh snapshot of the
	// store there (pursuit serve runs `pursuit index` in a child process,
	// so that the server never holds a build's memory). Open then loads
	// it; if Rebuild fails, or what it wrote does not load, Open logs why
	// and builds.
	Rebuild func(ctx context.Context) error

	// workers is how many sections of a snapshot LoadSnapshot decodes at
	// once; 0 means GOMAXPROCS (tests set 1 to compare).
	workers int
}

// Stats describe the index, for /metrics and logs.
type Stats struct {
	Contacts  int `json:"contacts"`
	Places    int `json:"places"`
	Customers int `json:"customers"`
	// Terms is the number of distinct (field, term) posting lists.
	Terms int `json:"terms"`
	// MemoryBytes estimates the memory the index holds.
	MemoryBytes int64 `json:"memory_bytes"`
	// LastSeq is the last change_log sequence number applied.
	LastSeq int64 `json:"last_seq"`
	// SnapshotSeq is the sequence number of the snapshot the index was
	// loaded from or last wrote, -1 if none.
	SnapshotSeq int64 `json:"snapshot_seq"`
	// Applied counts the changes applied since Build.
	Applied int64 `json:"applied"`
	// BuildDuration is how long Build took.
	BuildDuration time.Duration `json:"build_duration"`
	// LastApplied is when the last batch of changes was applied.
	LastApplied time.Time `json:"last_applied"`
}
