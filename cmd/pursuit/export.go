package main

import (
	"context"
	"errors"
)

// runExport is a placeholder until its owner lands the command.
func runExport(ctx context.Context, e *env, args []string) error {
	return errors.New("export: not implemented yet")
}
