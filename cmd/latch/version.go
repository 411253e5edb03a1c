package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// versionCmd is "latch version": it prints the module version of the
// binary, or "devel" for a build from a work tree.
type versionCmd struct{ cli *cli }

func (c *versionCmd) run(ctx context.Context, args []string) error {
	fs := newFlagSet("version")
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("latch version: takes no arguments")
	}
	fmt.Fprintln(c.cli.stdout, "latch "+version())
	return nil
}

// version returns the main module's version from the build information.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
