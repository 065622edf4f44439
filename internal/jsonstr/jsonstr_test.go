package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// stdlib returns s as encoding/json writes it with HTML escaping off.
func stdlib(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppend(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"plain", "IT Director", `"IT Director"`},
		{"quote and backslash", `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other controls", "\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"html kept", "<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"multi-byte", "José 日本 😀", `"José 日本 😀"`},
		{"invalid UTF-8", "a\xffb\xe2\x80", `"a\ufffdb\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Append([]byte("x"), tt.in))
			if got != "x"+tt.want {
				t.Errorf("Append(%q) = %s, want %s", tt.in, got[1:], tt.want)
			}
			if std := stdlib(t, tt.in); std != tt.want {
				t.Errorf("encoding/json writes %s, the table says %s", std, tt.want)
			}
		})
	}
}

// FuzzAppend checks Append byte for byte against encoding/json, and that
// encoding/json reads back the string (or, for invalid UTF-8, the string
// with U+FFFD for each bad byte).
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x1f\n\t\b\f\r", "é😀", "\u2028\u2029", "<>&", "\xff\xfe", "\xed\xa0\x80", "\xf4\x90\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Append(nil, s)
		if want := stdlib(t, s); string(got) != want {
			t.Fatalf("Append(%q) = %s, encoding/json writes %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("encoding/json cannot read %s: %v", got, err)
		}
		if want := replaceInvalid(s); back != want {
			t.Fatalf("read back %q, want %q", back, want)
		}
	})
}

// replaceInvalid replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func replaceInvalid(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
