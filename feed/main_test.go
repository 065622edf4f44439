package feed_test

import (
	"os"
	"testing"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestMain says so when the PostgreSQL halves of the tests were skipped.
func TestMain(m *testing.M) { os.Exit(testdb.Main(m, "feed")) }
