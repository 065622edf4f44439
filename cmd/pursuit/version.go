package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// the module version or VCS revision from the build info is used.
var version = ""

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "", "Print the version of this binary and the schema versions it migrates to.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "pursuit %s\n", buildVersion())
	fmt.Fprintf(e.stdout, "schema: sqlite %d, postgres %d\n", sqlite.SchemaVersion(), postgres.SchemaVersion())
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
