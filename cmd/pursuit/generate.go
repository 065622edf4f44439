package main

import (
	"context"
	"errors"
)

// runGenerate is a placeholder until its owner lands the command.
func runGenerate(ctx context.Context, e *env, args []string) error {
	return errors.New("generate: not implemented yet")
}
