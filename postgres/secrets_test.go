package postgres_test

import (
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestSecretOnAnOldSchema checks that a database without the secrets
// table (schema version 1) says to migrate rather than fail with SQL.
func TestSecretOnAnOldSchema(t *testing.T) {
	db := testdb.Postgres(t)
	if _, err := db.Pool().Exec(ctx, "DROP TABLE secrets"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Secret(ctx, pursuit.SecretCursor, 32)
	if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "db" || !strings.Contains(err.Error(), "pursuit migrate") {
		t.Fatalf("Secret without the secrets table = %v, want invalid db saying to migrate", err)
	}
}
