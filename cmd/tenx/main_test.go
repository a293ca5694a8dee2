package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"tenx/store/storetest"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"version"}, mapEnv(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("version: %v", err)
	}
	if got, want := stdout.String(), "tenx dev\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"help", "-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{arg}, mapEnv(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("%s: %v", arg, err)
			}
			for _, want := range []string{"usage: tenx <command>", "serve", "migrate", "user create", "version"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("usage does not mention %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}

// TestCommandErrors covers the ways a command line is refused before any
// work is done.
func TestCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantErr    string
		wantUsage  bool // usage is printed to stderr
		wantStdout string
	}{
		{name: "no command", args: nil, wantErr: "no command", wantUsage: true},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: `unknown command "frobnicate"`, wantUsage: true},
		{
			name:    "bad configuration",
			args:    []string{"serve"},
			env:     map[string]string{"TENX_SIGNUP": "maybe", "TENX_ADDR": "127.0.0.1:0"},
			wantErr: "TENX_SIGNUP",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"TENX_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, mapEnv(env), strings.NewReader(""), &stdout, &stderr)
			checkErrorContains(t, err, tt.wantErr)
			if got := strings.Contains(stderr.String(), "usage: tenx"); got != tt.wantUsage {
				t.Errorf("usage on stderr = %t, want %t; stderr:\n%s", got, tt.wantUsage, stderr.String())
			}
			if stdout.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
		})
	}
}

// mapEnv is a getenv backed by a map; a nil map is an empty environment.
func mapEnv(env map[string]string) func(string) string {
	return func(key string) string { return env[key] }
}

// sqliteEnv is the environment of a quiet tenx on a fresh SQLite file; it
// returns the database URL too.
func sqliteEnv(t *testing.T) (map[string]string, string) {
	t.Helper()
	url := storetest.SQLiteURL(t)
	return quietEnv(t, url), url
}

// quietEnv is the environment of a tenx that logs only errors, listens on a
// free port and keeps its data in the database at url.
func quietEnv(t *testing.T, url string) map[string]string {
	return map[string]string{
		"TENX_ADDR":         "127.0.0.1:0",
		"TENX_DATABASE_URL": url,
		"TENX_DATA_DIR":     t.TempDir(),
		"TENX_LOG_LEVEL":    "error",
	}
}

// runCmd runs a one-shot command (not serve) and returns its output.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, mapEnv(env), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func checkErrorContains(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// syncBuffer is a bytes.Buffer that a running server may write while the
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
