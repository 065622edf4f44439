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
// these options would write it (masking and customer scope applied).
func StoreChecksums(ctx context.Context, s pursuit.Store, opt ExportOptions) (map[string]Checksum, error) {
	src, err := load(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	return map[string]Checksum{
		pursuit.TableCustomers:               checksum(src.customers),
		pursuit.TablePlaces:                  checksum(src.places),
		pursuit.TableContacts:                checksum(src.contacts),
		pursuit.TableTechStack:               checksum(src.techStack),
		pursuit.TableCustomerPlaceRelation:   checksum(src.placeGrants),
		pursuit.TableCustomerContactRelation: checksum(src.contactGrants),
		pursuit.TableCustomerMapping:         checksum(src.mappings),
	}, nil
}

var timeType = reflect.TypeFor[time.Time]()

func checksum[T any](rows []T) Checksum {
	c := Checksum{Rows: int64(len(rows))}
	for i := range rows {
		v := reflect.ValueOf(&rows[i]).Elem()
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
	return c
}
