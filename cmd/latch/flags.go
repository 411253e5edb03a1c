package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp is returned when -h or --help was asked for and the usage was
// printed: the process exits 0.
var errHelp = errors.New("help requested")

// newFlagSet returns a flag set for the subcommand name that reports
// errors instead of exiting, and prints nothing itself: parseFlags turns
// its errors into one line.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("latch "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// envName is the environment variable that sets the flag name:
// LATCH_ and the name in upper case, dashes as underscores.
func envName(name string) string {
	return "LATCH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// parseFlags parses args into fs, allowing flags before and after the
// positional arguments ("createuser NAME --password-stdin"), then sets
// every flag not given on the command line from its environment variable,
// if that is set and not empty. It returns the positional arguments.
//
// A bad flag or a bad variable is a *usageError naming it. -h prints the
// flags on c's standard error and returns errHelp.
func (c *cli) parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printDefaults(fs)
				return nil, errHelp
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// Parse stops at the first non-flag, or after "--", which it
		// consumes: then everything after it is positional.
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, c.applyEnv(fs)
}

// applyEnv sets each flag not given on the command line from its
// environment variable.
func (c *cli) applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		name := envName(f.Name)
		v := c.getenv(name)
		if v == "" {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = usagef("latch: %s=%q: %v", name, v, e)
		}
	})
	return err
}

// printDefaults prints the usage of fs with the environment variable of
// each flag.
func (c *cli) printDefaults(fs *flag.FlagSet) {
	fmt.Fprintf(c.stderr, "usage of %s:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(c.stderr, "  --%s\n\t%s%s [$%s]\n", f.Name, f.Usage, def, envName(f.Name))
	})
}
