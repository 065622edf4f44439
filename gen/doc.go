// Package gen generates a realistic, deterministic Pursuit dataset of any
// size: customers, places, contacts, tech stacks, grants and CRM mappings,
// written in pursuit.DataTables order through a pursuit.BulkWriter (a store's
// Bulk transaction or transfer's table files).
//
// The geography is real: the 50 states and DC, their 3,143 counties (3,057
// with a county government) with FIPS codes, and GeoNames' US cities with
// their populations, embedded as small gzip'd TSV files under data/ (see
// data/ATTRIBUTION; rebuilt by gen/internal/convert from npm packages,
// never fetched at run time).
//
// Places are public bodies that exist in kind and in realistic numbers:
// the Census of Governments 2022's local governments, the departments of
// larger ones that buy on their own (sheriff's offices, police, fire and
// health departments, 9-1-1 centres), state agencies from a catalog of
// real kinds, public colleges, library systems with branches named after
// towns and neighbourhoods, and tribes; nothing is named by numbering.
// Names and domains follow the patterns governments use ("City of
// Springfield", springfieldil.gov, springfield.k12.il.us), contacts per
// place grow with population, names follow SSA and Census frequencies, and
// titles come from public-sector catalogs per type and kind with the messy
// variants real records have. docs/dataset.md describes every
// distribution and the source of every count.
//
// Generate is deterministic: the same Config yields the same rows in the
// same batches. Each table draws from its own PCG stream seeded from
// Config.Seed, and every timestamp is relative to Config.Base (a fixed
// date, never the clock).
package gen
