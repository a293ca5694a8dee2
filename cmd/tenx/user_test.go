package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"tenx/auth"
	"tenx/store"
)

func TestUserCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stdin, password string
		admin                 bool
	}{
		{name: "admin", stdin: "correct horse battery\n", password: "correct horse battery", admin: true},
		{name: "user, CRLF", stdin: "correct horse battery\r\n", password: "correct horse battery"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, url := sqliteEnv(t)
			args := []string{"user", "create", "--email", "X@Example.com"}
			if tt.admin {
				args = append(args, "--admin")
			}
			stdout, _, err := runCmd(t, env, tt.stdin, args...)
			if err != nil {
				t.Fatalf("user create: %v", err)
			}
			if want := fmt.Sprintf("(x@example.com) admin=%t\n", tt.admin); !strings.HasPrefix(stdout, "created user usr_") ||
				!strings.HasSuffix(stdout, want) {
				t.Errorf("stdout = %q, want created user usr_... %s", stdout, want)
			}

			db, err := store.Open(t.Context(), url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			u, err := db.FindUserByEmail(t.Context(), "x@example.com")
			if err != nil {
				t.Fatalf("find the created user: %v", err)
			}
			if u.IsAdmin != tt.admin {
				t.Errorf("IsAdmin = %t, want %t", u.IsAdmin, tt.admin)
			}
			// The hash carries its own argon2 parameters, so a cheap hasher
			// verifies it just as the server's would.
			if ok, err := auth.FastPasswordHasher().Verify(u.PasswordHash, tt.password); err != nil || !ok {
				t.Errorf("the stored hash does not match the password %q", tt.password)
			}

			if tt.admin {
				_, _, err = runCmd(t, env, tt.stdin, args...)
				checkErrorContains(t, err, "already exists")
			}
		})
	}
}

func TestUserCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		stdin   string
		wantErr string
	}{
		{name: "no subcommand", args: []string{"user"}, wantErr: "usage: tenx user create"},
		{name: "unknown subcommand", args: []string{"user", "delete"}, wantErr: "usage: tenx user create"},
		{name: "short password", args: []string{"user", "create", "--email", "x@example.com"}, stdin: "short\n",
			wantErr: "password must be between 10 and 256 characters"},
		{name: "common password", args: []string{"user", "create", "--email", "x@example.com"}, stdin: "qwertyuiop\n",
			wantErr: "most common passwords"},
		{name: "no password", args: []string{"user", "create", "--email", "x@example.com"},
			wantErr: "password must be between 10 and 256 characters"},
		{name: "no email", args: []string{"user", "create"}, stdin: "correct horse battery\n",
			wantErr: "email must be a valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, _ := sqliteEnv(t)
			stdout, _, err := runCmd(t, env, tt.stdin, tt.args...)
			checkErrorContains(t, err, tt.wantErr)
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

// TestUserCreateFlagErrorsUseRunStderr checks that a bad flag is explained
// on the stderr run was given, like every other message.
func TestUserCreateFlagErrorsUseRunStderr(t *testing.T) {
	t.Parallel()
	env, _ := sqliteEnv(t)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"user", "create", "--root"}, mapEnv(env),
		strings.NewReader(""), &stdout, &stderr)
	checkErrorContains(t, err, "flag provided but not defined")
	if !strings.Contains(stderr.String(), "-email") {
		t.Fatalf("flag usage not on run's stderr: %q", stderr.String())
	}
}
