package main

import (
	"context"
	"errors"
)

// runImport is a placeholder until its owner lands the command.
func runImport(ctx context.Context, e *env, args []string) error {
	return errors.New("import: not implemented yet")
}
