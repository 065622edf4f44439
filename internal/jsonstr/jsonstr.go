// Package jsonstr appends Go strings as JSON string literals, byte for byte
// as encoding/json writes them with HTML escaping off
// (json.Encoder.SetEscapeHTML(false)). It is the one JSON string escaper of
// the module: the HTTP API's hand-written search encoder and the transfer
// package's JSONL writer both use it, so the two cannot drift from each
// other or from encoding/json.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s to b as a quoted JSON string. Quotes and backslashes are
// escaped with a backslash; \b, \f, \n, \r and \t get their short escapes;
// the other control characters below U+0020 become \u00XX; U+2028 and
// U+2029 become \u2028 and \u2029 (JavaScript reads them as line breaks);
// each byte of invalid UTF-8 becomes \ufffd. Every other character, '<',
// '>' and '&' included, is copied as it is.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
