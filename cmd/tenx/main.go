// Command tenx is the tenx API platform: one binary that serves the API,
// migrates the database and runs admin commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tenx:", err)
		os.Exit(1)
	}
}

const usage = `usage: tenx <command>

commands:
  serve                         serve the API (migrates first unless TENX_AUTO_MIGRATE=false), and run the
                                background workers (webhook deliveries) unless TENX_WORKERS=off
  worker                        run only the background workers (beside API instances with TENX_WORKERS=off)
  migrate                       apply pending database migrations
  user create --email E [--admin]
                                create a user; the password is read from stdin
  user disable|enable --email E disable a user (their sessions and tokens stop) or enable them
  version                       print the version

configuration is read from TENX_* environment variables; see README.md.`

// run is main without the process: tests call it with their own arguments,
// environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "tenx", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(stderr, cfg.LogLevel)
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return migrate(ctx, cfg, log)
	case "worker":
		return worker(ctx, cfg, log)
	case "user":
		return userCommand(ctx, cfg, args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
