// Command benchload is `make bench-load`: it serves tenx in-process on
// SQLite (and on Postgres when TENX_TEST_POSTGRES_URL is set) beside a bare
// Echo server answering the same bytes, loads both over loopback HTTP in
// alternation, and prints one table row per route, database and connection
// count: tenx's requests per second, the bare server's, their ratio, and
// tenx's p50 and p99 latency. Then, per database and connection count, it
// measures two costs in the same way, each pair alternating in one run: a
// redirect through 20 routing rules against the same visit to a link with
// none (redirect-routing), and a links_list MCP tool call against the
// REST call it makes (mcp-links-list).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq" // the "postgres" driver, for creating the run's schema
)

// options are the command's flags.
type options struct {
	duration time.Duration
	rounds   int
	conns    []int
	routes   []string
	dbs      []string
	profile  string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runMain(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, getenv func(string) string) (options, error) {
	fs := flag.NewFlagSet("benchload", flag.ContinueOnError)
	var o options
	var conns, routes, dbs string
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "length of one run (one server, one route, one connection count)")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of tenx-then-bare runs per row")
	fs.StringVar(&conns, "conns", "8,64", "connection counts")
	fs.StringVar(&routes, "routes", "", "comma-separated route names (default all)")
	fs.StringVar(&dbs, "db", "", "sqlite, postgres or both (default: both when TENX_TEST_POSTGRES_URL is set)")
	fs.StringVar(&o.profile, "profile", "", "directory for cpu.pprof, mutex.pprof and block.pprof of the whole run")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-conns: %q is not a positive integer", s)
		}
		o.conns = append(o.conns, n)
	}
	if routes != "" {
		o.routes = strings.Split(routes, ",")
	}
	switch {
	case dbs != "":
		o.dbs = strings.Split(dbs, ",")
	case getenv("TENX_TEST_POSTGRES_URL") != "":
		o.dbs = []string{"sqlite", "postgres"}
	default:
		o.dbs = []string{"sqlite"}
	}
	if o.rounds < 1 || o.duration <= 0 {
		return o, errors.New("-rounds and -duration must be positive")
	}
	return o, nil
}

func runMain(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	o, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	if o.profile != "" {
		stopProfiles, err := startProfiles(o.profile)
		if err != nil {
			return err
		}
		defer stopProfiles()
	}
	fmt.Fprintf(stdout, "benchload: %d rounds of %s per server, GOMAXPROCS=%d\n", o.rounds, o.duration, runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, rowFormat, "route", "database", "conns", "tenx req/s", "bare req/s", "ratio", "p50", "p99", "errors")
	for _, database := range o.dbs {
		dbURL := "sqlite"
		if database == "postgres" {
			if dbURL = getenv("TENX_TEST_POSTGRES_URL"); dbURL == "" {
				return errors.New("-db postgres needs TENX_TEST_POSTGRES_URL")
			}
		} else if database != "sqlite" {
			return fmt.Errorf("-db: unknown database %q", database)
		}
		if err := measure(ctx, stdout, o, database, dbURL); err != nil {
			return fmt.Errorf("%s: %w", database, err)
		}
	}
	return nil
}

// rowFormat lays out the table; every cell is a string.
const rowFormat = "%-15s %-9s %5s %11s %11s %7s %9s %9s %6s\n"

// measure runs every selected route of one database and writes its rows.
func measure(ctx context.Context, w io.Writer, o options, database, dbURL string) error {
	f, err := newFixture(ctx, database, dbURL)
	if err != nil {
		return err
	}
	defer f.close()
	for _, r := range f.routes {
		if len(o.routes) > 0 && !slices.Contains(o.routes, r.name) {
			continue
		}
		for _, conns := range o.conns {
			row, err := measureRow(ctx, f, r, conns, o)
			if err != nil {
				return err
			}
			fmt.Fprint(w, row)
		}
	}
	if selected(o, routingRouteName) {
		fmt.Fprintf(w, "\n"+pairRowFormat, "rules vs none", "database", "conns", "rules/s", "none/s", "ratio",
			"rules p50", "rules p99", "none p50", "none p99", "errors")
		if err := measureRouting(ctx, w, f, o); err != nil {
			return err
		}
	}
	if !selected(o, mcpRouteName) {
		return nil
	}
	fmt.Fprintf(w, "\n"+pairRowFormat, "MCP vs REST", "database", "conns", "mcp req/s", "rest req/s", "ratio",
		"mcp p50", "mcp p99", "rest p50", "rest p99", "errors")
	return measureMCP(ctx, w, f, o)
}

// selected reports whether -routes selects the comparison name (no
// -routes selects everything).
func selected(o options, name string) bool {
	return len(o.routes) == 0 || slices.Contains(o.routes, name)
}

// measureRow alternates tenx and bare runs, so that a noisy neighbour
// slows both alike, and formats the row.
func measureRow(ctx context.Context, f *fixture, r route, conns int, o options) (string, error) {
	p, err := measurePair(ctx, target{url: f.tenxURL + r.path, header: r.header, status: r.status},
		target{url: f.bareURL + r.path, header: r.header, status: r.status}, conns, o)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(rowFormat, r.name, f.database, fmt.Sprint(conns), fmt.Sprintf("%.0f", p.aRate),
		fmt.Sprintf("%.0f", p.bRate), fmt.Sprintf("%.2fx", p.ratio()), ms(percentile(p.aLat, 50)), ms(percentile(p.aLat, 99)),
		fmt.Sprint(p.errors)), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// startProfiles starts the CPU profile and turns on mutex and block
// profiling; the returned function writes all three into dir.
func startProfiles(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return nil, err
	}
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		for _, name := range []string{"mutex", "block"} {
			if out, err := os.Create(filepath.Join(dir, name+".pprof")); err == nil {
				_ = pprof.Lookup(name).WriteTo(out, 0)
				out.Close()
			}
		}
	}, nil
}
