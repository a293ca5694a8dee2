// Package redistest starts a private redis-server for tests that freeze,
// resume or kill Redis, which they must never do to a Redis others share
// (the one named by TENX_TEST_REDIS_URL).
package redistest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Binary is the executable Start runs.
const Binary = "redis-server"

// Server is a redis-server child process of the test, listening on a
// loopback port of its own.
type Server struct {
	// Addr is host:port.
	Addr string
	cmd  *exec.Cmd
}

// Start runs redis-server without persistence on a free loopback port and
// waits until it answers. The test is skipped when the binary is missing,
// unless CI=true, where a missing binary fails it. The process is resumed
// and killed when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	path, err := exec.LookPath(Binary)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is missing, and CI must run the Redis outage tests: apt-get install redis-server", Binary)
		}
		tb.Skipf("%s not found: install it (apt-get install redis-server) to run the Redis outage tests", Binary)
	}
	port := freePort(tb)
	var out bytes.Buffer
	cmd := exec.Command(path, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", tb.TempDir(), "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", Binary, err)
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", port), cmd: cmd}
	tb.Cleanup(func() {
		// Resume, then kill: a test that fails while Redis is frozen
		// leaves nothing stopped behind.
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if err := s.waitReady(5 * time.Second); err != nil {
		tb.Fatalf("%s on %s did not answer: %v\n%s", Binary, s.Addr, err, out.String())
	}
	return s
}

// URL is the redis:// URL of database 0.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Freeze stops the process (SIGSTOP): the kernel still accepts connections
// and buffers commands, but nothing answers, as with a hung Redis.
func (s *Server) Freeze(tb testing.TB) {
	tb.Helper()
	if err := syscall.Kill(s.cmd.Process.Pid, syscall.SIGSTOP); err != nil {
		tb.Fatalf("SIGSTOP redis-server: %v", err)
	}
}

// Thaw resumes a frozen process (SIGCONT).
func (s *Server) Thaw(tb testing.TB) {
	tb.Helper()
	if err := syscall.Kill(s.cmd.Process.Pid, syscall.SIGCONT); err != nil {
		tb.Fatalf("SIGCONT redis-server: %v", err)
	}
}

// waitReady polls PING, bounded by limit, since redis-server gives no other
// sign that it listens.
func (s *Server) waitReady(limit time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback port nothing listens on right now.
func freePort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// ScriptCalls is a go-redis hook counting script round trips (EVALSHA and
// EVAL) and those that failed, so a test can tell whether a request waited
// on Redis. A NOSCRIPT reply, after which go-redis sends the script itself,
// counts as neither, so counts do not depend on what Redis has cached.
type ScriptCalls struct{ calls, failed atomic.Int64 }

var _ redis.Hook = (*ScriptCalls)(nil)

// Load returns the calls and failures so far.
func (h *ScriptCalls) Load() (calls, failed int64) { return h.calls.Load(), h.failed.Load() }

// DialHook implements redis.Hook.
func (h *ScriptCalls) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessPipelineHook implements redis.Hook.
func (h *ScriptCalls) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// ProcessHook implements redis.Hook.
func (h *ScriptCalls) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		name := cmd.Name()
		if (name != "evalsha" && name != "eval") || redis.HasErrorPrefix(err, "NOSCRIPT") {
			return err
		}
		h.calls.Add(1)
		if err != nil {
			h.failed.Add(1)
		}
		return err
	}
}
