package main

import (
	"context"
	"fmt"

	"github.com/latchgo/latch"
)

// clearSessionsCmd is "latch clearsessions [--store URL]": it deletes the
// expired sessions in batches and prints how many it removed, what
// Django's clearsessions does.
type clearSessionsCmd struct {
	cli   *cli
	store string
}

func (c *clearSessionsCmd) run(ctx context.Context, args []string) error {
	fs := newFlagSet("clearsessions")
	fs.StringVar(&c.store, "store", "sqlite://latch.db", "session store `URL`")
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("usage: latch clearsessions [--store URL]")
	}
	u, err := parseStoreURL("store", c.store)
	if err != nil {
		return err
	}
	res := &resources{}
	defer res.Close()
	store, err := res.openStore(ctx, u)
	if err != nil {
		return err
	}
	sw, ok := store.(latch.Sweeper)
	if !ok {
		fmt.Fprintf(c.cli.stdout, "removed 0 expired sessions (the %s store forgets them by itself)\n", u.Kind)
		return nil
	}
	progress := func(batch, total int) {
		fmt.Fprintf(c.cli.stderr, "latch: clearsessions: batch %d, %d removed so far\n", batch, total)
	}
	n, err := sweepBatches(ctx, sw, cliTimeout, 0, progress)
	if err != nil {
		return failf("clearsessions: after removing %d: %v", n, err)
	}
	fmt.Fprintf(c.cli.stdout, "removed %d expired sessions\n", n)
	return nil
}
