package main

import (
	"context"
	"errors"
)

// runSearch is a placeholder until its owner lands the command.
func runSearch(ctx context.Context, e *env, args []string) error {
	return errors.New("search: not implemented yet")
}
