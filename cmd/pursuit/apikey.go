package main

import (
	"context"
	"errors"
)

// runAPIKey is a placeholder until its owner lands the command.
func runAPIKey(ctx context.Context, e *env, args []string) error {
	return errors.New("apikey: not implemented yet")
}
