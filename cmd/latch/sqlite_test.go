package main

import (
	"strings"
	"testing"
)

func TestUsersPersistInSQLite(t *testing.T) {
	inTempDir(t)
	code, _, stderr := run(t, nil, "a good password\n", "createuser", "bob", "--password-stdin")
	if code != 0 {
		t.Fatalf("createuser: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "a good password\n", "createuser", "bob", "--password-stdin")
	if code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("second createuser: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "another password\n", "passwd", "bob", "--password-stdin")
	if code != 0 || !strings.Contains(stderr, "changed the password of bob") {
		t.Errorf("passwd: exit %d, stderr %q", code, stderr)
	}
	code, out, stderr := run(t, nil, "", "sessions", "list", "--user", "bob")
	if code != 0 || !strings.HasPrefix(out, "USER") {
		t.Errorf("sessions list --user: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "", "sessions", "revoke", "--user", "bob")
	if code != 0 || out != "revoked 0 sessions of bob\n" {
		t.Errorf("sessions revoke --user: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, _, stderr = run(t, nil, "", "sessions", "list", "--user", "nobody")
	if code != 2 || !strings.Contains(stderr, `no user named "nobody"`) {
		t.Errorf("unknown user: exit %d, stderr %q", code, stderr)
	}
}

func TestUsersFromEnvironment(t *testing.T) {
	inTempDir(t)
	env := map[string]string{"LATCH_USERS": "sqlite://people.db", "LATCH_PASSWORD_STDIN": "true"}
	code, _, stderr := run(t, env, "a good password\n", "createuser", "carol")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "", "sessions", "list", "--user", "carol", "--users", "sqlite://people.db")
	if code != 0 {
		t.Errorf("carol not in people.db: exit %d, stderr %q", code, stderr)
	}
}
