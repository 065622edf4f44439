package deltagolden

import (
	"fmt"
	"os"
	"testing"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// golden is the directory of the golden tables, set by TestMain.
var golden string

func TestMain(m *testing.M) {
	dir, err := testdb.GoldenDir()
	if err != nil && os.Getenv(testdb.EnvDeltaGolden) != "" {
		// Set on purpose but wrong: that is a failure, not a skip.
		fmt.Fprintf(os.Stderr, "lake/deltagolden: %v\n", err)
		os.Exit(1)
	}
	if err != nil {
		os.Exit(testdb.SkipAll("lake/deltagolden", fmt.Sprintf(
			"the Spark-written Delta tables were not found (%v): every test of this package skipped; set %s to their directory", err, testdb.EnvDeltaGolden)))
	}
	golden = dir
	os.Exit(m.Run())
}
