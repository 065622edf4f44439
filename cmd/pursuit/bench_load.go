package main

import (
	"context"
	"errors"
)

// benchLoad is a placeholder until its owner lands the benchmark.
func benchLoad(ctx context.Context, e *env, args []string) error {
	return errors.New("bench load: not implemented yet")
}
