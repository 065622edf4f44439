package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

// MaxRecordBytes bounds one record (a CSV record, possibly over several
// lines, or a JSONL line). Longer records are rejected, which keeps an
// import's memory bounded whatever the input.
const MaxRecordBytes = 1 << 20

// errTooLong reports a record over MaxRecordBytes.
var errTooLong = errors.New("record too long")

// lineReader reads physical lines, counting them and the bytes consumed.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	// line is the number of the last line returned, counting from 1.
	line int64
	// n is the number of bytes consumed so far.
	n     int64
	first bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 256<<10), first: true}
}

// next returns the next line including its terminator, valid until the
// next call, or io.EOF after the last one. A leading UTF-8 byte order mark
// of the first line is dropped, and so is a CR that ends the input. A line longer than MaxRecordBytes is
// skipped to its end and reported as errTooLong.
func (lr *lineReader) next() ([]byte, error) {
	b, err := lr.br.ReadSlice('\n')
	lr.n += int64(len(b))
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], b...)
		tooLong := false
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			lr.n += int64(len(b))
			if tooLong {
				continue
			}
			if len(lr.long)+len(b) > MaxRecordBytes {
				tooLong = true
				lr.long = lr.long[:0]
			} else {
				lr.long = append(lr.long, b...)
			}
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if tooLong {
			lr.line++
			lr.first = false
			return nil, errTooLong
		}
		b = lr.long
	}
	if len(b) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if err == io.EOF && b[len(b)-1] == '\r' {
		// A last line that ends in a lone CR lost its LF: the CR ends
		// the line, as encoding/csv reads it.
		b = b[:len(b)-1]
	}
	lr.line++
	if lr.first {
		lr.first = false
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	return b, nil
}

// trimEOL removes a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// rowProblem is a record that cannot be read; the reader has moved past
// it, so reading may go on.
type rowProblem struct {
	line   int64
	column string
	reason string
}

func (e *rowProblem) Error() string {
	return "line " + strconv.FormatInt(e.line, 10) + ": " + e.reason
}

// csvReader reads RFC 4180 records: fields separated by commas, quoted
// with double quotes when they hold commas, quotes ("" inside) or line
// breaks; lines end in "\n" or "\r\n". Empty lines are skipped.
type csvReader struct {
	lr *lineReader
	// buf holds the current record's field values back to back, ends
	// their end offsets.
	buf  []byte
	ends []int
	// recLine is the line the current record starts on.
	recLine int64
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{lr: newLineReader(r)}
}

// field returns the i-th field of the current record from text, a string
// copy of buf.
func (r *csvReader) field(text string, i int) string {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return text[start:r.ends[i]]
}

// read reads the next record into buf and ends. It returns io.EOF at the
// end, a *rowProblem for a malformed record, or a read error.
func (r *csvReader) read() error {
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	var line []byte
	for {
		b, err := r.lr.next()
		if err == errTooLong {
			return &rowProblem{line: r.lr.line, reason: "record is longer than the limit of " + strconv.Itoa(MaxRecordBytes) + " bytes"}
		}
		if err != nil {
			return err
		}
		if len(trimEOL(b)) > 0 {
			line = b
			break
		}
	}
	r.recLine = r.lr.line
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The quoted field goes on on the next line; the line
					// break is part of the value.
					r.buf = append(r.buf, line[pos:]...)
					if len(r.buf) > MaxRecordBytes {
						r.skipRecord()
						return &rowProblem{line: r.recLine, reason: "record is longer than the limit of " + strconv.Itoa(MaxRecordBytes) + " bytes"}
					}
					b, err := r.lr.next()
					if err == io.EOF {
						return &rowProblem{line: r.recLine, reason: "quoted field is not terminated"}
					}
					if err == errTooLong {
						return &rowProblem{line: r.recLine, reason: "record is longer than the limit of " + strconv.Itoa(MaxRecordBytes) + " bytes"}
					}
					if err != nil {
						return err
					}
					line, pos = b, 0
					continue
				}
				r.buf = append(r.buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					r.buf = append(r.buf, '"')
					pos++
					continue
				}
				break
			}
			r.ends = append(r.ends, len(r.buf))
			rest := line[pos:]
			switch {
			case len(rest) > 0 && rest[0] == ',':
				pos++
			case len(trimEOL(rest)) == 0:
				return nil
			default:
				return &rowProblem{line: r.recLine, reason: "unexpected character after a closing quote"}
			}
			continue
		}
		rest := line[pos:]
		i := bytes.IndexByte(rest, ',')
		field := rest
		if i >= 0 {
			field = rest[:i]
		} else {
			field = trimEOL(rest)
		}
		if bytes.IndexByte(field, '"') >= 0 {
			return &rowProblem{line: r.recLine, reason: `bare " in an unquoted field`}
		}
		r.buf = append(r.buf, field...)
		r.ends = append(r.ends, len(r.buf))
		if i < 0 {
			return nil
		}
		pos += i + 1
	}
}

// skipRecord gives up on an over-long quoted record: it skips lines until
// one with an odd number of quotes, the likely end of the field.
func (r *csvReader) skipRecord() {
	for {
		b, err := r.lr.next()
		if err == io.EOF || (err != nil && err != errTooLong) {
			return
		}
		if bytes.Count(b, []byte{'"'})%2 == 1 {
			return
		}
	}
}
