package postgres_test

import (
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/storetest"
)

// TestStore runs the conformance suite against PostgreSQL.
func TestStore(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) pursuit.Store { return openDB(t) })
}
