package main

import (
	"context"
	"fmt"
)

// createUserCmd is "latch createuser NAME [--password-stdin]".
type createUserCmd struct {
	cli       *cli
	stores    storeFlags
	fromStdin bool
}

func (c *createUserCmd) run(ctx context.Context, args []string) error {
	fs := newFlagSet("createuser")
	fs.BoolVar(&c.fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	c.stores.register(fs, false)
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: latch createuser NAME [--password-stdin] [--users URL]")
	}
	name := pos[0]
	t, err := openToolkit(ctx, &c.stores, false)
	if err != nil {
		return err
	}
	defer t.close()
	pw, err := c.cli.readPassword(c.fromStdin)
	if err != nil {
		return err
	}
	if _, err := t.auth.CreateUser(ctx, name, pw); err != nil {
		return authErr("createuser "+name, err)
	}
	fmt.Fprintf(c.cli.stderr, "latch: created user %s\n", name)
	return nil
}
