package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// generator holds the state of one Generate run.
type generator struct {
	cfg     Config
	base    time.Time
	r       *rand.Rand
	g       *geo
	places  []pursuit.Place
	info    []placeInfo
	domains map[string]bool // every email domain given out
	names   map[string]bool // every place name of the state being built
}

// Generate writes a dataset of cfg's size to w, table by table in
// pursuit.DataTables order and in batches of cfg.BatchSize rows, calling
// progress (when not nil) after each batch with the table's row count so
// far. The same cfg always yields the same rows in the same batches.
//
// Places (and what the later tables need of them) are kept in memory;
// contacts, tech stacks, grants and mappings are made batch by batch, so
// memory stays bounded whatever cfg.Contacts is.
func Generate(ctx context.Context, cfg Config, w pursuit.BulkWriter, progress func(table string, rows int64)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	g, err := loadGeo()
	if err != nil {
		return fmt.Errorf("load embedded data: %w", err)
	}
	gn := &generator{cfg: cfg, base: cfg.base(), g: g, domains: make(map[string]bool, cfg.Places), names: map[string]bool{}}
	// Each part of the dataset draws from a random stream of its own, so
	// that, say, the places do not change with the number of customers or
	// contacts.
	customers := gn.customers()
	gn.r = gn.stream(1)
	gn.buildPlaces()
	gn.r = gn.stream(2)
	gn.allocateContacts()

	if err := writeAll(ctx, gn.cfg.batch(), pursuit.TableCustomers, progress, customers, w.UpsertCustomers); err != nil {
		return err
	}
	if err := writeAll(ctx, gn.cfg.batch(), pursuit.TablePlaces, progress, gn.places, w.UpsertPlaces); err != nil {
		return err
	}
	gn.r = gn.stream(3)
	if err := gn.writeContacts(ctx, w, progress); err != nil {
		return err
	}
	gn.r = gn.stream(4)
	if err := gn.writeTechStack(ctx, w, progress); err != nil {
		return err
	}
	gn.r = gn.stream(5)
	grants := gn.planGrants(customers)
	if err := gn.writePlaceGrants(ctx, w, progress, grants); err != nil {
		return err
	}
	if err := gn.writeContactGrants(ctx, w, progress, grants); err != nil {
		return err
	}
	return gn.writeMappings(ctx, w, progress, grants)
}

// batcher collects rows of one table and writes them batch by batch.
type batcher[T any] struct {
	ctx      context.Context
	size     int
	table    string
	progress func(string, int64)
	write    func(context.Context, []T) error
	rows     []T
	total    int64
}

func newBatcher[T any](ctx context.Context, size int, table string, progress func(string, int64), write func(context.Context, []T) error) *batcher[T] {
	return &batcher[T]{ctx: ctx, size: size, table: table, progress: progress, write: write, rows: make([]T, 0, size)}
}

func (b *batcher[T]) add(row T) error {
	b.rows = append(b.rows, row)
	if len(b.rows) >= b.size {
		return b.flush()
	}
	return nil
}

// flush writes the pending rows. Each batch is a new slice, so a writer
// may keep the rows it was given.
func (b *batcher[T]) flush() error {
	if len(b.rows) == 0 {
		return nil
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if err := b.write(b.ctx, b.rows); err != nil {
		return fmt.Errorf("write %s: %w", b.table, err)
	}
	b.total += int64(len(b.rows))
	if b.progress != nil {
		b.progress(b.table, b.total)
	}
	b.rows = make([]T, 0, b.size)
	return nil
}

// writeAll writes rows already in memory, batch by batch.
func writeAll[T any](ctx context.Context, size int, table string, progress func(string, int64), rows []T, write func(context.Context, []T) error) error {
	b := newBatcher(ctx, size, table, progress, write)
	for i := 0; i < len(rows); i += size {
		b.rows = rows[i:min(i+size, len(rows)):min(i+size, len(rows))]
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}
