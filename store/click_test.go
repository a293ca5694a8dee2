package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// randomClicks are n clicks of three links over the 50 hours from start,
// oldest first, with a few repeat visitors and bots.
func randomClicks(rng *rand.Rand, n int, start time.Time) []*tenx.Click {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	clicks := make([]*tenx.Click, 0, n)
	for i := range n {
		at := start.Add(time.Duration(rng.Int64N(int64(50 * time.Hour)))).Truncate(time.Millisecond)
		c := &tenx.Click{ID: fmt.Sprintf("clk_%04d", i), Handle: "acme", Slug: pick("launch", "promo", "sale-1"),
			OccurredAt: at, Destination: "https://example.com", Referrer: pick("", "t.co", "news.example"),
			Device: pick(tenx.DeviceMobile, tenx.DeviceDesktop), Browser: pick("Chrome", "Safari"), OS: pick("iOS", "Windows"),
			Country: pick("DE", "FR", "ZZ"), VisitorHash: fmt.Sprintf("v%d", rng.IntN(12)), Bot: rng.IntN(6) == 0}
		if c.Bot {
			c.Device = tenx.DeviceBot
		}
		clicks = append(clicks, c)
	}
	slices.SortFunc(clicks, func(a, b *tenx.Click) int { return a.OccurredAt.Compare(b.OccurredAt) })
	return clicks
}

// expected computes a report from raw clicks the way the rollups define
// it: a visitor (not a bot) counts once a day per scope, in the group of
// their first click of that day.
func expected(clicks []*tenx.Click, q tenx.AnalyticsQuery) map[string]tenx.AnalyticsCounts {
	out := map[string]tenx.AnalyticsCounts{}
	seen := map[string]bool{}
	for _, c := range clicks {
		scope := ""
		if q.Slug != "" || q.GroupBy == tenx.GroupBySlug {
			scope = c.Slug
		}
		day := c.OccurredAt.UTC().Truncate(24 * time.Hour)
		first := !c.Bot && !seen[scope+"|"+day.String()+"|"+c.VisitorHash]
		if !c.Bot {
			seen[scope+"|"+day.String()+"|"+c.VisitorHash] = true
		}
		if (q.Slug != "" && c.Slug != q.Slug) || c.OccurredAt.Before(q.From) || !c.OccurredAt.Before(q.To) {
			continue
		}
		key := map[string]string{"": "", tenx.GroupByDay: day.Format("2006-01-02"),
			tenx.GroupByHour: c.OccurredAt.UTC().Truncate(time.Hour).Format(time.RFC3339), tenx.GroupBySlug: c.Slug,
			tenx.GroupByCountry: c.Country, tenx.GroupByDevice: c.Device, tenx.GroupByBrowser: c.Browser,
			tenx.GroupByOS: c.OS, tenx.GroupByReferrer: c.Referrer}[q.GroupBy]
		n := out[key]
		n.Clicks++
		if c.Bot {
			n.BotClicks++
		}
		if first {
			n.UniqueVisitors++
		}
		out[key] = n
	}
	return out
}

func mustRecordClicks(t *testing.T, db *store.DB, clicks []*tenx.Click, batch int) {
	t.Helper()
	for chunk := range slices.Chunk(clicks, batch) {
		if err := db.RecordClicks(t.Context(), chunk); err != nil {
			t.Fatalf("record clicks: %v", err)
		}
	}
}

// TestRollupsEqualRawCounts: every grouping and filter of the rollups
// says what counting the raw events says, for windows on day boundaries
// (daily rollups) and not (hourly ones at the edges).
func TestRollupsEqualRawCounts(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		mustCreateHandle(t, db, "acme", mustCreateUser(t, db, "ann@example.com").ID)
		for _, s := range []string{"launch", "promo", "sale-1"} {
			mustUpsertLink(t, db, newLink("acme", s), true)
		}
		start := time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)
		clicks := randomClicks(rand.New(rand.NewPCG(1, 2)), 400, start)
		mustRecordClicks(t, db, clicks, 37)
		windows := [][2]time.Time{
			{start.Truncate(24 * time.Hour), start.Add(72 * time.Hour).Truncate(24 * time.Hour)}, // whole days
			{start.Add(3 * time.Hour), start.Add(41 * time.Hour)},                                // edges in hours
			{start.Add(time.Hour), start.Add(5 * time.Hour)},                                     // within a day
		}
		groupings := []string{"", tenx.GroupByDay, tenx.GroupByHour, tenx.GroupBySlug, tenx.GroupByCountry,
			tenx.GroupByDevice, tenx.GroupByBrowser, tenx.GroupByOS, tenx.GroupByReferrer}
		for _, w := range windows {
			for _, g := range groupings {
				for _, slug := range []string{"", "promo"} {
					q := tenx.AnalyticsQuery{Handle: "acme", Slug: slug, From: w[0], To: w[1], GroupBy: g}
					checkReport(t, db, clicks, q)
				}
			}
		}
		got := mustFindLink(t, db, "acme", "promo").ClickCount
		if want := expected(clicks, tenx.AnalyticsQuery{Handle: "acme", GroupBy: tenx.GroupBySlug, From: start,
			To: start.Add(100 * time.Hour)})["promo"].Clicks; got != want {
			t.Errorf("promo's click count %d, want %d", got, want)
		}
	})
}

func checkReport(t *testing.T, db *store.DB, clicks []*tenx.Click, q tenx.AnalyticsQuery) {
	t.Helper()
	r, err := db.QueryAnalytics(t.Context(), q)
	if err != nil {
		t.Fatalf("query %+v: %v", q, err)
	}
	want := expected(clicks, q)
	if q.GroupBy == "" || q.GroupBy == tenx.GroupBySlug || q.Slug != "" {
		total := expected(clicks, tenx.AnalyticsQuery{Handle: q.Handle, Slug: q.Slug, From: q.From, To: q.To})[""]
		if diff := gocmp.Diff(total, r.Totals); diff != "" {
			t.Errorf("totals of %s %q %s..%s (-want +got):\n%s", q.GroupBy, q.Slug, q.From, q.To, diff)
		}
	}
	got := map[string]tenx.AnalyticsCounts{}
	for _, g := range r.Groups {
		if g.AnalyticsCounts != (tenx.AnalyticsCounts{}) {
			got[g.Key] = g.AnalyticsCounts
		}
	}
	if q.GroupBy == "" {
		got = map[string]tenx.AnalyticsCounts{"": r.Totals}
		if r.Totals == (tenx.AnalyticsCounts{}) {
			got = map[string]tenx.AnalyticsCounts{}
		}
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("groups by %q of %q %s..%s (-want +got):\n%s", q.GroupBy, q.Slug, q.From, q.To, diff)
	}
}

// TestRecordClicksTwice: a batch written again (a retry after a commit
// whose answer was lost) counts once; Counted clicks leave the link's
// count alone.
func TestRecordClicksTwice(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		mustCreateHandle(t, db, "acme", mustCreateUser(t, db, "ann@example.com").ID)
		mustUpsertLink(t, db, newLink("acme", "launch"), true)
		now := clock.Now()
		batch := []*tenx.Click{
			{ID: "clk_1", Handle: "acme", Slug: "launch", OccurredAt: now, Country: "DE", Device: tenx.DeviceMobile, VisitorHash: "a"},
			{ID: "clk_2", Handle: "acme", Slug: "launch", OccurredAt: now, Country: "DE", Device: tenx.DeviceMobile, VisitorHash: "a"},
			{ID: "clk_3", Handle: "acme", Slug: "launch", OccurredAt: now, Counted: true, VisitorHash: "b"},
		}
		mustRecordClicks(t, db, batch, 10)
		mustRecordClicks(t, db, batch, 10)
		r, err := db.QueryAnalytics(t.Context(), tenx.AnalyticsQuery{Handle: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Totals.Clicks != 3 || r.Totals.UniqueVisitors != 2 {
			t.Fatalf("totals %+v, want 3 clicks of 2 visitors", r.Totals)
		}
		if n := mustFindLink(t, db, "acme", "launch").ClickCount; n != 2 {
			t.Fatalf("click count %d, want 2 (one was counted by the redirect)", n)
		}
		if countRows(t, url, "clicks") != 3 {
			t.Fatal("duplicate click rows")
		}
	})
}

// TestPruneClicks: raw events and hourly rollups past the retention go,
// daily rollups stay; salts and visitor sets go after two days.
func TestPruneClicks(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		old, recent := clock.Now().Add(-500*24*time.Hour), clock.Now().Add(-time.Hour)
		if _, err := db.VisitorSalt(t.Context(), old); err != nil {
			t.Fatal(err)
		}
		saltNow, err := db.VisitorSalt(t.Context(), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		mustRecordClicks(t, db, []*tenx.Click{
			{ID: "clk_old", Handle: "acme", Slug: "launch", OccurredAt: old, VisitorHash: "a"},
			{ID: "clk_new", Handle: "acme", Slug: "launch", OccurredAt: recent, VisitorHash: "a"},
		}, 10)
		n, err := db.PruneClicks(t.Context(), clock.Now().Add(-400*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want 1", n, err)
		}
		page, _, err := db.FindClicks(t.Context(), tenx.ClickFilter{Handle: "acme", From: old.Add(-time.Hour),
			To: clock.Now(), Limit: 10})
		if err != nil || len(page) != 1 || page[0].ID != "clk_new" {
			t.Fatalf("left %v, %v", page, err)
		}
		if countRows(t, url, "click_rollups_daily") != 24 || countRows(t, url, "click_rollups_hourly") != 12 {
			t.Fatalf("rollups: %d daily, %d hourly", countRows(t, url, "click_rollups_daily"), countRows(t, url, "click_rollups_hourly"))
		}
		if countRows(t, url, "visitor_salts") != 1 || countRows(t, url, "click_visitors") != 2 {
			t.Fatal("old salts or visitor sets left")
		}
		again, err := db.VisitorSalt(t.Context(), clock.Now())
		if err != nil || string(again) != string(saltNow) {
			t.Fatal("today's salt changed")
		}
	})
}

// TestFindClicksPages: paging through events that share their times
// returns each once, oldest first, within the window and the link.
func TestFindClicksPages(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		start := clock.Now().Truncate(time.Hour)
		var clicks []*tenx.Click
		for i := range 23 {
			clicks = append(clicks, &tenx.Click{ID: fmt.Sprintf("clk_%02d", i), Handle: "acme", Slug: []string{"a-link", "b-link"}[i%2],
				OccurredAt: start.Add(time.Duration(i/4) * time.Minute), VisitorHash: "v"})
		}
		mustRecordClicks(t, db, clicks, 50)
		for _, f := range []struct {
			slug string
			want int
		}{{"", 23}, {"b-link", 11}} {
			var got []string
			next := ""
			for {
				page, n, err := db.FindClicks(t.Context(), tenx.ClickFilter{Handle: "acme", Slug: f.slug, From: start,
					To: start.Add(time.Hour), Limit: 3, NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page {
					got = append(got, c.ID)
				}
				if next = n; next == "" {
					break
				}
			}
			if len(got) != f.want || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != f.want {
				t.Fatalf("slug %q: paged %v", f.slug, got)
			}
		}
		if _, _, err := db.FindClicks(t.Context(), tenx.ClickFilter{Handle: "acme", NextToken: "!!"}); tenx.ErrorCode(err) != tenx.EVALIDATION {
			t.Fatalf("a bad token: %v", err)
		}
	})
}
