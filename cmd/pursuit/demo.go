package main

import (
	"context"
	"errors"
)

// runDemo is a placeholder until its owner lands the command.
func runDemo(ctx context.Context, e *env, args []string) error {
	return errors.New("demo: not implemented yet")
}
