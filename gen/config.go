package gen

import (
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// DefaultBase is the moment the generated dataset describes, its "now":
// verified_at, last_seen, granted_at and the like lie before it. It is fixed
// so that a seed always produces the same bytes.
var DefaultBase = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Config sets the size and seed of a generated dataset.
type Config struct {
	// Seed selects the dataset: the same Config always yields the same
	// rows.
	Seed int64
	// Places, Contacts and Customers are the exact row counts of those
	// tables. Contacts must be at least Places (every place has a contact)
	// unless it is 0.
	Places, Contacts, Customers int
	// BatchSize is the number of rows per Upsert call; 0 means 10,000.
	BatchSize int
	// Base is the dataset's "now"; the zero time means DefaultBase.
	Base time.Time
}

// DefaultConfig returns the seed design's scale: 150,000 places, 4,500,000
// contacts and 50 customers.
func DefaultConfig() Config {
	return Config{Seed: 1, Places: 150_000, Contacts: 4_500_000, Customers: 50}
}

// SmallConfig returns a dataset for demos and tests: 1,000 places, 20,000
// contacts and 5 customers.
func SmallConfig() Config {
	return Config{Seed: 1, Places: 1_000, Contacts: 20_000, Customers: 5}
}

// MaxPlaces bounds Config.Places; beyond it the generated names would
// repeat too much to be realistic.
const MaxPlaces = 2_000_000

// MaxBatchSize bounds Config.BatchSize: a batch is held in memory (100,000
// contacts are about 30 MB).
const MaxBatchSize = 100_000

// Validate checks a Config's counts.
func (c Config) Validate() error {
	switch {
	case c.Places < 1 || c.Places > MaxPlaces:
		return pursuit.FieldErrorf(pursuit.EINVALID, "places", "must be between 1 and %d, not %d", MaxPlaces, c.Places)
	case c.Contacts < 0 || (c.Contacts > 0 && c.Contacts < c.Places):
		return pursuit.FieldErrorf(pursuit.EINVALID, "contacts", "must be 0 or at least the number of places (%d), not %d", c.Places, c.Contacts)
	case c.Contacts > 100*MaxPlaces:
		return pursuit.FieldErrorf(pursuit.EINVALID, "contacts", "must be at most %d, not %d", 100*MaxPlaces, c.Contacts)
	case c.Customers < 0 || c.Customers > 10_000:
		return pursuit.FieldErrorf(pursuit.EINVALID, "customers", "must be between 0 and 10000, not %d", c.Customers)
	case c.BatchSize < 0 || c.BatchSize > MaxBatchSize:
		return pursuit.FieldErrorf(pursuit.EINVALID, "batch_size", "must be between 0 (the default) and %d, not %d", MaxBatchSize, c.BatchSize)
	}
	return nil
}

func (c Config) batch() int {
	if c.BatchSize > 0 {
		return c.BatchSize
	}
	return 10_000
}

func (c Config) base() time.Time {
	if c.Base.IsZero() {
		return DefaultBase
	}
	return c.Base.UTC().Truncate(time.Microsecond)
}

// String describes the config in a log-friendly way.
func (c Config) String() string {
	return fmt.Sprintf("seed=%d places=%d contacts=%d customers=%d", c.Seed, c.Places, c.Contacts, c.Customers)
}
