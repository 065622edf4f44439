package main

import (
	"context"
	"errors"
)

// benchLake is a placeholder until its owner lands the benchmark.
func benchLake(ctx context.Context, e *env, args []string) error {
	return errors.New("bench lake: not implemented yet")
}
