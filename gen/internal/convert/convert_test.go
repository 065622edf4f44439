package main

import (
	"math"
	"testing"
)

func TestCleanCityName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alton North (historical)", "Alton North"},
		{"City of Milford (balance)", "Milford"},
		{"New Century, KS", "New Century"},
		{"Village of Oak Creek (Big Park)", "Oak Creek"},
		{"Springfield", "Springfield"},
	}
	for _, tt := range tests {
		if got := cleanCityName(tt.in); got != tt.want {
			t.Errorf("cleanCityName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSurnameShare(t *testing.T) {
	if got := surnameShare(1); math.Abs(got-1.006) > 1e-9 {
		t.Errorf("surnameShare(1) = %v, want 1.006", got)
	}
	prev := math.Inf(1)
	for r := 1.0; r <= 88799; r *= 1.7 {
		s := surnameShare(r)
		if s > prev || s <= 0 {
			t.Fatalf("surnameShare(%v) = %v after %v: want a positive, non-increasing share", r, s, prev)
		}
		prev = s
	}
}

func TestPBF(t *testing.T) {
	// Field 2 (string "Ab"), field 9 (varint 300), field 10 (svarint -3).
	p := &pbf{b: []byte{0x12, 2, 'A', 'b', 0x48, 0xac, 0x02, 0x50, 0x05}}
	if k := p.varint(); k != 0x12 {
		t.Fatalf("key %x", k)
	}
	if s := p.str(); s != "Ab" {
		t.Errorf("str = %q", s)
	}
	p.varint()
	if v := p.varint(); v != 300 {
		t.Errorf("varint = %d, want 300", v)
	}
	p.varint()
	if v := p.svarint(); v != -3 {
		t.Errorf("svarint = %d, want -3", v)
	}
	if p.err != nil || p.pos != len(p.b) {
		t.Errorf("err %v at %d of %d", p.err, p.pos, len(p.b))
	}
	p.varint()
	if p.err == nil {
		t.Error("reading past the end gave no error")
	}
}
