package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/app"
	"tenx/auth"
	"tenx/ratelimit"
	"tenx/server"
	"tenx/store"
)

// route is one measured request: its name in the table, its path and
// credential, and the status both servers answer.
type route struct {
	name   string
	path   string
	header http.Header
	status int
}

// fixture is tenx on one database with a user, the handle "bench", a PAT,
// a JWT and 20 links, beside a bare Echo server that answers each route
// with the bytes tenx answered.
type fixture struct {
	database string
	tenxURL  string
	bareURL  string
	routes   []route
	closers  []func()
}

func (f *fixture) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
}

// newFixture builds tenx on the database named by dbURL ("sqlite" for a
// temporary file), seeds it and starts both servers.
func newFixture(ctx context.Context, database, dbURL string) (*fixture, error) {
	f := &fixture{database: database}
	db, err := openDB(ctx, f, dbURL)
	if err != nil {
		f.close()
		return nil, err
	}
	blobs, err := os.MkdirTemp("", "benchload-blobs")
	if err != nil {
		f.close()
		return nil, err
	}
	f.closers = append(f.closers, func() { os.RemoveAll(blobs) })
	a, err := newApp(ctx, db, blobs)
	if err != nil {
		f.close()
		return nil, err
	}
	f.closers = append(f.closers, func() { a.Blobs.Close() })
	if err := a.Listen(ctx, nil); err != nil { // as tenx serve does
		f.close()
		return nil, err
	}
	f.closers = append(f.closers, func() { a.Close(context.Background()) })
	if f.routes, err = seed(ctx, a, db); err != nil {
		f.close()
		return nil, err
	}
	if f.tenxURL, err = listen(f, a.Server.Handler()); err != nil {
		f.close()
		return nil, err
	}
	bare, err := bareServer(ctx, f.tenxURL, f.routes)
	if err != nil {
		f.close()
		return nil, err
	}
	if f.bareURL, err = listen(f, bare); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// openDB opens and migrates the database: a new SQLite file, or a new
// schema of the Postgres at dbURL, dropped on close.
func openDB(ctx context.Context, f *fixture, dbURL string) (*store.DB, error) {
	if dbURL == "sqlite" {
		dir, err := os.MkdirTemp("", "benchload")
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, func() { os.RemoveAll(dir) })
		dbURL = "sqlite:" + filepath.Join(dir, "tenx.db")
	} else {
		u, err := pgSchema(ctx, f, dbURL)
		if err != nil {
			return nil, err
		}
		dbURL = u
	}
	db, err := store.Open(ctx, dbURL, time.Now)
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, func() { db.Close() })
	return db, db.Migrate(ctx)
}

// pgSchema creates a schema for this run and returns a URL that uses it.
func pgSchema(ctx context.Context, f *fixture, base string) (string, error) {
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "benchload_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", fmt.Errorf("create schema: %w", err)
	}
	f.closers = append(f.closers, func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// newApp builds tenx as cmd/tenx does, with rate limits too high to bite:
// the limiter runs, but the run measures serving, not refusing.
func newApp(ctx context.Context, db *store.DB, blobDir string) (*app.App, error) {
	cfg := server.DefaultConfig()
	cfg.PublicURL = "http://bench.test"
	cfg.PATPerMinute.Rate, cfg.HandleBurst.Rate, cfg.UserPerMinute.Rate = 1e9, 1e9, 1e9
	return app.New(ctx, app.Config{Server: cfg,
		Auth:    auth.Config{AccessTTL: 24 * time.Hour, Hasher: auth.FastPasswordHasher()},
		Limiter: ratelimit.NewMemory(time.Now, 100_000), Now: time.Now, BlobURL: blobDir}, db)
}

// seed creates the user, handle, credentials and links, and returns the
// routes to measure.
func seed(ctx context.Context, a *app.App, db *store.DB) ([]route, error) {
	u, err := a.Auth.Sessions.Signup(ctx, "bench@example.com", "bench password 1", false)
	if err != nil {
		return nil, err
	}
	g, err := a.Auth.Sessions.Login(ctx, "bench@example.com", "bench password 1")
	if err != nil {
		return nil, err
	}
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "bench", OwnerID: u.ID}); err != nil {
		return nil, err
	}
	pctx := tenx.NewContextWithPrincipal(ctx, &tenx.Principal{Kind: tenx.CredentialJWT, UserID: u.ID})
	_, pat, err := a.Auth.PATs.Create(pctx, "bench", "bench", []string{"links.read"}, nil)
	if err != nil {
		return nil, err
	}
	for i := range 20 {
		l := &tenx.Link{Handle: "bench", Slug: fmt.Sprintf("slug-%02d", i), DestinationURL: "https://example.com/" +
			fmt.Sprint(i), Title: "Link " + fmt.Sprint(i), Enabled: true, RedirectType: 302, Tags: []string{"bench"}}
		if _, err := db.UpsertLink(ctx, l); err != nil {
			return nil, err
		}
	}
	if err := seedRouted(ctx, db, u.ID); err != nil {
		return nil, err
	}
	patH := http.Header{"X-Api-Key": {pat}}
	jwtH := http.Header{"Authorization": {"Bearer " + g.AccessToken}}
	return []route{
		{name: "pat-links-list", path: "/v2/public/handles/bench/links", header: patH, status: 200},
		{name: "pat-link-get", path: "/v2/public/handles/bench/links/slug-07", header: patH, status: 200},
		{name: "jwt-links-list", path: "/v2/handles/bench/links", header: jwtH, status: 200},
		{name: "redirect", path: "/bench/slug-07", status: 302},
		{name: "redirect-routed", path: "/routed/slug-07?utm_campaign=launch", header: visitorH, status: 302},
		{name: "healthz", path: "/healthz", status: 200},
	}, nil
}

// visitorH is a phone's visit from a newsletter, so that the routed
// redirect's rules ask every fact (country, device, source, campaign).
var visitorH = http.Header{"User-Agent": {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 " +
	"(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"}, "Referer": {"https://news.example/issue-12"}}

// seedRouted creates the handle "routed" whose link slug-07 has 10 routing
// rules and whose 10 personalization rules apply after them; no rule
// matches visitorH, so a visit tries all twenty (the worst case) before it
// goes to the link's destination. The handle "plain" has the same link
// with no rule, for the comparison.
func seedRouted(ctx context.Context, db *store.DB, owner string) error {
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "routed", OwnerID: owner}); err != nil {
		return err
	}
	miss := func(id string, i int) tenx.RoutingRule {
		return tenx.RoutingRule{RuleID: id, Enabled: true, Priority: i, When: tenx.RuleConditions{
			CountryIn: []string{"ZZ", "US"}, DeviceIn: []string{tenx.DeviceMobile}, SourceIn: []string{"news.example"},
			CampaignIn: []string{fmt.Sprintf("spring-%d", i)}},
			Variant: tenx.Variant{ID: id, DestinationURL: "https://example.com/" + id}}
	}
	if err := db.CreateHandle(ctx, &tenx.Handle{Name: "plain", OwnerID: owner}); err != nil {
		return err
	}
	if _, err := db.UpsertLink(ctx, &tenx.Link{Handle: "plain", Slug: "slug-07", DestinationURL: "https://example.com/7",
		Enabled: true, RedirectType: 302}); err != nil {
		return err
	}
	l := &tenx.Link{Handle: "routed", Slug: "slug-07", DestinationURL: "https://example.com/7", Enabled: true, RedirectType: 302}
	for i := range 10 {
		l.RoutingRules = append(l.RoutingRules, miss(fmt.Sprintf("link-%d", i), i))
		if _, err := db.PutPersonalizationRule(ctx, "routed", ptr(miss(fmt.Sprintf("handle-%d", i), i))); err != nil {
			return err
		}
	}
	_, err := db.UpsertLink(ctx, l)
	return err
}

func ptr[T any](v T) *T { return &v }

// listen serves h on a loopback port until the fixture closes.
func listen(f *fixture, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = hs.Serve(ln) }()
	f.closers = append(f.closers, func() { hs.Close() })
	return "http://" + ln.Addr().String(), nil
}

// bareServer asks tenx each route once and returns an Echo server that
// answers the same path with the same status, headers that matter and body.
func bareServer(ctx context.Context, tenxURL string, routes []route) (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	client := newClient(1)
	for _, r := range routes {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, tenxURL+r.path, nil)
		if err != nil {
			return nil, err
		}
		req.Header = r.header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != r.status {
			return nil, fmt.Errorf("%s: tenx answered %d, want %d: %s", r.name, resp.StatusCode, r.status, body)
		}
		status, ct, loc := resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location")
		path, _, _ := strings.Cut(r.path, "?") // Echo routes paths; the query is the client's
		e.GET(path, func(c echo.Context) error {
			if loc != "" {
				c.Response().Header().Set("Location", loc)
			}
			if ct != "" {
				c.Response().Header().Set("Content-Type", ct)
			}
			c.Response().WriteHeader(status)
			_, err := io.Copy(c.Response(), bytes.NewReader(body))
			return err
		})
	}
	return e, nil
}
