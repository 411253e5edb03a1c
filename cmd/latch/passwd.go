package main

import (
	"context"
	"fmt"
)

// passwdCmd is "latch passwd NAME [--password-stdin]": it sets a new
// password and signs the user out everywhere.
type passwdCmd struct {
	cli       *cli
	stores    storeFlags
	fromStdin bool
}

func (c *passwdCmd) run(ctx context.Context, args []string) error {
	fs := newFlagSet("passwd")
	fs.BoolVar(&c.fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	c.stores.register(fs, true)
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: latch passwd NAME [--password-stdin] [--store URL] [--users URL]")
	}
	name := pos[0]
	t, err := openToolkit(ctx, &c.stores, true)
	if err != nil {
		return err
	}
	defer t.close()
	if _, err := t.userByName(ctx, name); err != nil {
		return err
	}
	pw, err := c.cli.readPassword(c.fromStdin)
	if err != nil {
		return err
	}
	if err := t.auth.SetPassword(ctx, name, pw); err != nil {
		return authErr("passwd "+name, err)
	}
	fmt.Fprintf(c.cli.stderr, "latch: changed the password of %s and ended their sessions\n", name)
	return nil
}
