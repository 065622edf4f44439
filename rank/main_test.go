package rank

import (
	"os"
	"testing"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m, "rank")) }
