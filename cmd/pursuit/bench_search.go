package main

import (
	"context"
	"errors"
)

// benchSearch is a placeholder until its owner lands the benchmark.
func benchSearch(ctx context.Context, e *env, args []string) error {
	return errors.New("bench search: not implemented yet")
}
