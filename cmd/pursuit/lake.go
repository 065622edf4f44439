package main

import (
	"context"
	"errors"
)

// runLake is a placeholder until its owner lands the command.
func runLake(ctx context.Context, e *env, args []string) error {
	return errors.New("lake: not implemented yet")
}
