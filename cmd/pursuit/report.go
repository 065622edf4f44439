package main

import (
	"context"
	"errors"
)

// runReport is a placeholder until its owner lands the command.
func runReport(ctx context.Context, e *env, args []string) error {
	return errors.New("report: not implemented yet")
}
