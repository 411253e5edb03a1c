package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// maxPasswordLine bounds a password read from standard input.
const maxPasswordLine = 4096

// readPassword returns a new password: the first line of standard input
// with fromStdin, else typed twice at the terminal without echo.
func (c *cli) readPassword(fromStdin bool) (string, error) {
	if fromStdin {
		return c.readPasswordLine()
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usagef("latch: standard input is not a terminal; use --password-stdin")
	}
	pw, err := c.promptOnce(f, "Password: ")
	if err != nil {
		return "", err
	}
	again, err := c.promptOnce(f, "Password (again): ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", failf("the passwords do not match")
	}
	return pw, checkPassword(pw)
}

// promptOnce prints prompt on standard error and reads a line without echo.
func (c *cli) promptOnce(f *os.File, prompt string) (string, error) {
	fmt.Fprint(c.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	if err != nil {
		return "", failf("reading the password: %v", err)
	}
	return string(b), nil
}

// readPasswordLine reads one line of standard input, without its line end.
func (c *cli) readPasswordLine() (string, error) {
	r := bufio.NewReaderSize(io.LimitReader(c.stdin, maxPasswordLine+2), maxPasswordLine+2)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", failf("reading the password from standard input: %v", err)
	}
	if !strings.HasSuffix(line, "\n") && len(line) > maxPasswordLine {
		return "", usagef("latch: the password on standard input is longer than %d bytes", maxPasswordLine)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	return pw, checkPassword(pw)
}

// checkPassword refuses an empty password.
func checkPassword(pw string) error {
	if pw == "" {
		return usagef("latch: the password is empty")
	}
	return nil
}
