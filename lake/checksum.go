package lake

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Checksum summarises a table's content so that two readers can compare
// it without shipping rows: the row count, the sum of every integer
// column, the total byte length of every string column and the sum of
// every timestamp in whole seconds (NULLs count as nothing). DuckDB
// computes the same over the lake (analytics.DB.Checksum).
type Checksum struct {
	Rows        int64
	Longs       int64
	TextBytes   int64
	TimeSeconds int64
}

func (c Checksum) String() string {
	return fmt.Sprintf("rows=%d longs=%d text_bytes=%d time_seconds=%d", c.Rows, c.Longs, c.TextBytes, c.TimeSeconds)
}

// StoreChecksums computes the Checksum of every table as an export with
// these options would write it (masking and customer scope applied). It
// streams the store: no table is held in memory.
func StoreChecksums(ctx context.Context, s pursuit.Store, opt ExportOptions) (map[string]Checksum, error) {
	var cu, pl, co, ts, pg, cg, ma Checksum
	err := scan(ctx, s, opt, sinks{
		customer:     summer[CustomerRow](&cu),
		place:        summer[PlaceRow](&pl),
		contact:      summer[ContactRow](&co),
		techStack:    summer[TechStackRow](&ts),
		placeGrant:   summer[PlaceGrantRow](&pg),
		contactGrant: summer[ContactGrantRow](&cg),
		mapping:      summer[MappingRow](&ma),
	})
	if err != nil {
		return nil, err
	}
	return map[string]Checksum{
		pursuit.TableCustomers:               cu,
		pursuit.TablePlaces:                  pl,
		pursuit.TableContacts:                co,
		pursuit.TableTechStack:               ts,
		pursuit.TableCustomerPlaceRelation:   pg,
		pursuit.TableCustomerContactRelation: cg,
		pursuit.TableCustomerMapping:         ma,
	}, nil
}

// summer returns a sink adding each row to c.
func summer[T any](c *Checksum) func(T) error {
	return func(r T) error {
		c.add(&r)
		return nil
	}
}

var timeType = reflect.TypeFor[time.Time]()

// add adds one row (a pointer to a *Row struct) to c.
func (c *Checksum) add(row any) {
	c.Rows++
	v := reflect.ValueOf(row).Elem()
	for j := 0; j < v.NumField(); j++ {
		f := v.Field(j)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		switch {
		case f.Type() == timeType:
			c.TimeSeconds += f.Interface().(time.Time).UnixMicro() / 1e6
		case f.Kind() == reflect.Int64:
			c.Longs += f.Int()
		case f.Kind() == reflect.String:
			c.TextBytes += int64(f.Len())
		}
	}
}
