// Command latch runs the reference site of the latch session library and
// the operators' tools that go with it: creating users, changing passwords,
// sweeping and listing sessions, importing a Django user table.
//
// Usage:
//
//	latch serve       [--addr 127.0.0.1:8000] [--store URL] [--users URL] [flags]
//	latch createuser  NAME [--password-stdin]
//	latch passwd      NAME [--password-stdin]
//	latch clearsessions [--store URL]
//	latch sessions list   [--user NAME] [--store URL]
//	latch sessions revoke (--user NAME | --all) [--store URL]
//	latch importusers --from-django URL [--users URL]
//	latch version
//
// Every flag also reads the environment variable LATCH_<FLAG> (upper case,
// dashes as underscores); a flag wins over the variable, the variable over
// the default.
//
// Exit status: 0 on success, 1 on a runtime failure, 2 on bad usage or bad
// configuration, each with one line on standard error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usageText = `usage: latch COMMAND [flags]

commands:
  serve          run the reference site
  createuser     create a user: createuser NAME [--password-stdin]
  passwd         change a password and end the user's sessions: passwd NAME [--password-stdin]
  clearsessions  delete expired sessions
  sessions       list or revoke sessions: sessions list|revoke [flags]
  importusers    import a Django auth_user table: importusers --from-django URL
  version        print the version

Run "latch COMMAND -h" for the flags of a command.
`

// command is one subcommand: it parses its arguments and runs.
type command interface {
	run(ctx context.Context, args []string) error
}

// cli holds what every command reads and writes, so that tests can run
// commands without touching the process's own streams and environment.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := c.main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// main runs the command named by args[0] and maps its error to an exit
// status, printing the error as one line.
func (c *cli) main(ctx context.Context, args []string) int {
	err := c.dispatch(ctx, args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	}
	fmt.Fprintln(c.stderr, oneLine(err))
	var u *usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailure
}

// dispatch finds the command and runs it.
func (c *cli) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usageText)
		return usagef("latch: no command given")
	}
	var cmd command
	switch args[0] {
	case "serve":
		cmd = &serveCmd{cli: c}
	case "createuser":
		cmd = &createUserCmd{cli: c}
	case "passwd":
		cmd = &passwdCmd{cli: c}
	case "clearsessions":
		cmd = &clearSessionsCmd{cli: c}
	case "sessions":
		cmd = &sessionsCmd{cli: c}
	case "importusers":
		cmd = &importUsersCmd{cli: c}
	case "version", "--version", "-version":
		cmd = &versionCmd{cli: c}
	case "help", "-h", "--help", "-help":
		fmt.Fprint(c.stdout, usageText)
		return nil
	default:
		return usagef("latch: unknown command %q (run latch help)", args[0])
	}
	return cmd.run(ctx, args[1:])
}

// usageError is bad usage or bad configuration: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// failf returns a runtime failure (exit status 1) that starts with "latch: ".
func failf(format string, args ...any) error {
	return fmt.Errorf("latch: "+format, args...)
}

// oneLine flattens err's message to one line, so that the exit message is
// always exactly one line on standard error.
func oneLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if !strings.HasPrefix(msg, "latch") {
		msg = "latch: " + msg
	}
	return msg
}
