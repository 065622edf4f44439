package main

import (
	"context"
	"errors"
)

// runSQL is a placeholder until its owner lands the command.
func runSQL(ctx context.Context, e *env, args []string) error {
	return errors.New("sql: not implemented yet")
}
