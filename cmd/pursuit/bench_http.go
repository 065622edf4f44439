package main

import (
	"context"
	"errors"
)

// benchHTTP is a placeholder until its owner lands the benchmark.
func benchHTTP(ctx context.Context, e *env, args []string) error {
	return errors.New("bench http: not implemented yet")
}
