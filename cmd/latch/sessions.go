package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
)

// sessionsCmd is "latch sessions list|revoke".
type sessionsCmd struct {
	cli    *cli
	stores storeFlags
	user   string
	all    bool
}

func (c *sessionsCmd) run(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "revoke") {
		return usagef("usage: latch sessions list [--user NAME] [--store URL] | latch sessions revoke (--user NAME | --all) [--store URL]")
	}
	verb := args[0]
	fs := newFlagSet("sessions " + verb)
	fs.StringVar(&c.user, "user", "", "only the sessions of the user `NAME`")
	if verb == "revoke" {
		fs.BoolVar(&c.all, "all", false, "revoke every session")
	}
	c.stores.register(fs, true)
	pos, err := c.cli.parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("latch sessions %s: unexpected argument %q", verb, pos[0])
	}
	if verb == "revoke" && (c.user == "") == !c.all {
		return usagef("usage: latch sessions revoke (--user NAME | --all) [--store URL]")
	}
	t, err := openToolkit(ctx, &c.stores, true)
	if err != nil {
		return err
	}
	defer t.close()
	if verb == "list" {
		return c.list(ctx, t)
	}
	return c.revoke(ctx, t)
}

// list prints a table of the live sessions, of one user through the
// store's index, or of everyone through its iterator.
func (c *sessionsCmd) list(ctx context.Context, t *toolkit) error {
	recs, err := c.records(ctx, t)
	if err != nil {
		return err
	}
	names := map[string]string{"": "-"}
	tw := tabwriter.NewWriter(c.cli.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tCREATED\tLAST SEEN\tEXPIRES\tIP\tUSER AGENT")
	for _, rec := range recs {
		info, err := latch.Inspect(rec)
		if err != nil {
			fmt.Fprintf(c.cli.stderr, "latch: skipping an undecodable session %s: %v\n", latch.Handle(rec.Key), err)
			continue
		}
		ip, _ := info.Values[auth.SessionIP].(string)
		ua, _ := info.Values[auth.SessionUserAgent].(string)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(t.userName(ctx, names, info.UserID)),
			cliTime(info.Created), cliTime(info.LastActive), cliTime(info.Expires), dash(ip), dash(ua))
	}
	return tw.Flush()
}

// records returns the live records to list.
func (c *sessionsCmd) records(ctx context.Context, t *toolkit) ([]latch.Record, error) {
	if c.user != "" {
		u, err := t.userByName(ctx, c.user)
		if err != nil {
			return nil, err
		}
		idx, ok := t.store.(latch.UserIndex)
		if !ok {
			return nil, usagef("latch: sessions list --user: this store keeps no index of sessions by user")
		}
		recs, err := idx.UserSessions(ctx, u.ID)
		if err != nil {
			return nil, failf("listing the sessions of %s: %v", c.user, err)
		}
		return recs, nil
	}
	it, ok := t.store.(latch.Iterator)
	if !ok {
		return nil, usagef("latch: sessions list: this store cannot list its sessions; use --user")
	}
	var recs []latch.Record
	for rec, err := range it.Records(ctx) {
		if err != nil {
			return nil, failf("listing sessions: %v", err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// revoke ends the sessions of one user, or all of them.
func (c *sessionsCmd) revoke(ctx context.Context, t *toolkit) error {
	if c.user != "" {
		u, err := t.userByName(ctx, c.user)
		if err != nil {
			return err
		}
		n, err := t.auth.RevokeUser(ctx, u.ID)
		if errors.Is(err, latch.ErrNotSupported) {
			return usagef("latch: sessions revoke --user: this store keeps no index of sessions by user")
		}
		if err != nil {
			return failf("revoking the sessions of %s: %v", c.user, err)
		}
		fmt.Fprintf(c.cli.stdout, "revoked %d sessions of %s\n", n, c.user)
		return nil
	}
	recs, err := c.records(ctx, t)
	if err != nil {
		return err
	}
	n := 0
	for _, rec := range recs {
		if err := t.store.Delete(ctx, rec.Key); err != nil {
			return failf("revoked %d sessions, then: %v", n, err)
		}
		n++
	}
	fmt.Fprintf(c.cli.stdout, "revoked %d sessions\n", n)
	return nil
}

// userName returns the name of the user with ID id, or the ID when the
// user is gone; names caches the look-ups.
func (t *toolkit) userName(ctx context.Context, names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	name := "#" + id
	if u, err := t.users.UserByID(ctx, id); err == nil {
		name = u.Name
	}
	names[id] = name
	return name
}

// cliTime formats t for the table.
func cliTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// dash returns s for a table cell: "-" when empty, control characters
// (a tab in a User-Agent) as spaces.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
