package main

import (
	"context"
	"fmt"
	"io"
)

// benchmarks lists the subcommands of pursuit bench.
var benchmarks = []command{
	{"load", "import a generated dataset into SQLite and PostgreSQL; rows/s per table and peak memory", benchLoad},
	{"search", "this engine against SQLite FTS5 and PostgreSQL full-text search on one query set", benchSearch},
	{"http", "search requests/s and latency of the HTTP API under concurrent load", benchHTTP},
	{"web", "server time of the web app's search page", benchWeb},
	{"lake", "full Delta Lake export and incremental sync", benchLake},
	{"ranking", "learned ranking against the engine's on simulated customers: NDCG@10, ideal buyers, latency", benchRanking},
	{"webhooks", "commit-to-delivered latency, fan-out to many endpoints, and a 10,000-event feed page", benchWebhooks},
	{"crm", "CRM account matching: precision, recall and speed against the seed's places", benchCRM},
}

func runBench(ctx context.Context, e *env, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: pursuit bench <benchmark> [flags]\n\nBenchmarks:")
		for _, b := range benchmarks {
			fmt.Fprintf(w, "  %-8s %s\n", b.name, b.summary)
		}
	}
	if len(args) == 0 {
		usage(e.stderr)
		return usageErrorf("bench: no benchmark given")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		return nil
	}
	for _, b := range benchmarks {
		if b.name == args[0] {
			return b.run(ctx, e, args[1:])
		}
	}
	return usageErrorf("bench: unknown benchmark %q (one of load, search, http, lake, crm, webhooks, ranking)", args[0])
}
