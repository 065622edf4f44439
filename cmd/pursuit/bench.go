package main

import (
	"context"
	"fmt"
)

// benchmarks lists the subcommands of pursuit bench.
var benchmarks = []command{
	{"load", "import a generated dataset into SQLite and PostgreSQL; rows/s per table and peak memory", benchLoad},
	{"search", "this engine against SQLite FTS5 and PostgreSQL full-text search on one query set", benchSearch},
	{"http", "search requests/s and latency of the HTTP API under concurrent load", benchHTTP},
	{"lake", "full Delta Lake export and incremental sync", benchLake},
}

func runBench(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stdout, "Usage: pursuit bench <benchmark> [flags]\n\nBenchmarks:")
		for _, b := range benchmarks {
			fmt.Fprintf(e.stdout, "  %-8s %s\n", b.name, b.summary)
		}
		return nil
	}
	for _, b := range benchmarks {
		if b.name == args[0] {
			return b.run(ctx, e, args[1:])
		}
	}
	return fmt.Errorf("bench: unknown benchmark %q (one of load, search, http, lake)", args[0])
}
