package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/storetest"
)

var ctx = context.Background()

// TestStore runs the conformance suite against PostgreSQL.
func TestStore(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) pursuit.Store { return openDB(t) })
}

func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	if got := pursuit.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" && pursuit.ErrorField(err) != field {
		t.Fatalf("error field = %q (%v), want %q", pursuit.ErrorField(err), err, field)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
