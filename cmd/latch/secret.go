package main

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
)

// secretSize is the length of the secret file: 32 random bytes.
const secretSize = 32

// loadSecret reads the secret file at path, creating it with 32 random
// bytes and mode 0600 when it does not exist. The secret keys what must be
// signed or encrypted (the cookie store, CSRF tokens where used). A file
// that cannot be read or created, or that is not exactly 32 bytes long, is
// bad configuration.
func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createSecret(path)
	}
	if err != nil {
		return nil, usagef("latch: --secret-file: %v", err)
	}
	if len(b) != secretSize {
		return nil, usagef("latch: --secret-file: %s holds %d bytes, want %d", path, len(b), secretSize)
	}
	return b, nil
}

// createSecret writes a new secret at path; O_EXCL so that two processes
// starting at once do not overwrite each other's key.
func createSecret(path string) ([]byte, error) {
	b := make([]byte, secretSize)
	rand.Read(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadSecret(path)
	}
	if err != nil {
		return nil, usagef("latch: --secret-file: %v", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, usagef("latch: --secret-file: %v", err)
	}
	return b, nil
}
