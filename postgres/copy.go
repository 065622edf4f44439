package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// copyBinary COPYs n rows into table's columns cols in PostgreSQL's binary
// COPY format, encoding the rows itself as PostgreSQL reads them. Each
// row's values, in column order, are nil (NULL), int64 (bigint), string or
// *string (text) or time.Time (timestamptz, to the microsecond).
//
// pgx's CopyFrom looks an encode plan up for every value; at a seed-scale
// load that was 6.8 s of CPU on the one goroutine that feeds the server,
// which waited for it a fifth of the load. This encoder does the same work
// in a fraction of that. Rows are encoded as the server reads them, 64 KiB
// at a time.
func copyBinary(ctx context.Context, conn *pgx.Conn, table string, cols []string, n int, row func(j int) []any) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pgx.Identifier{c}.Sanitize()
	}
	r := &copyReader{n: n, row: row, buf: make([]byte, 0, copyChunk+4096)}
	r.buf = append(r.buf, "PGCOPY\n\377\r\n\000"...)
	r.buf = binary.BigEndian.AppendUint32(r.buf, 0) // flags
	r.buf = binary.BigEndian.AppendUint32(r.buf, 0) // header extension length
	_, err := conn.PgConn().CopyFrom(ctx, r, `COPY `+pgx.Identifier{table}.Sanitize()+
		` (`+strings.Join(quoted, ", ")+`) FROM STDIN (FORMAT binary)`)
	if r.err != nil {
		return r.err
	}
	return err
}

// copyChunk is how many bytes of encoded rows copyReader gathers before it
// hands them on.
const copyChunk = 64 << 10

// copyReader is the io.Reader of copyBinary's data: the header, the rows
// encoded on demand, and the trailer.
type copyReader struct {
	n, next int
	row     func(j int) []any
	buf     []byte
	off     int
	done    bool
	err     error
}

func (r *copyReader) Read(p []byte) (int, error) {
	if r.off == len(r.buf) {
		if r.done {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		if err := r.fill(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// fill encodes rows until copyChunk bytes are gathered, and the trailer
// after the last row.
func (r *copyReader) fill() error {
	for len(r.buf) < copyChunk && r.next < r.n {
		var err error
		if r.buf, err = appendCopyRow(r.buf, r.row(r.next)); err != nil {
			return err
		}
		r.next++
	}
	if r.next == r.n && len(r.buf) < copyChunk {
		r.buf = binary.BigEndian.AppendUint16(r.buf, 0xffff) // trailer: -1
		r.done = true
	}
	return nil
}

// pgEpoch is PostgreSQL's timestamp epoch, 2000-01-01 UTC, in Unix
// microseconds.
const pgEpoch = 946_684_800_000_000

// appendCopyRow appends one row of binary COPY data: the field count,
// then each field's length (-1 for NULL) and bytes.
func appendCopyRow(dst []byte, vals []any) ([]byte, error) {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(vals)))
	for i, v := range vals {
		switch v := v.(type) {
		case nil:
			dst = binary.BigEndian.AppendUint32(dst, 0xffffffff)
		case int64:
			dst = binary.BigEndian.AppendUint32(dst, 8)
			dst = binary.BigEndian.AppendUint64(dst, uint64(v))
		case string:
			dst = binary.BigEndian.AppendUint32(dst, uint32(len(v)))
			dst = append(dst, v...)
		case *string:
			if v == nil {
				dst = binary.BigEndian.AppendUint32(dst, 0xffffffff)
				continue
			}
			dst = binary.BigEndian.AppendUint32(dst, uint32(len(*v)))
			dst = append(dst, *v...)
		case time.Time:
			dst = binary.BigEndian.AppendUint32(dst, 8)
			dst = binary.BigEndian.AppendUint64(dst, uint64(v.UnixMicro()-pgEpoch))
		default:
			return dst, fmt.Errorf("copy: field %d is a %T, which the binary encoder does not know", i+1, v)
		}
	}
	return dst, nil
}
