package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "migrate", "", "Create the schema in a new database, or apply the migrations an older one lacks.\nRunning it again is a no-op; a database migrated by a newer binary is refused.")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "%s schema is up to date\n", s.Kind())
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: applied migrations %v\n", s.Kind(), applied)
	return nil
}
