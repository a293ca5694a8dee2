package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// mustUpsertLink stores l and fails unless it was created (or updated) as
// wantCreated says.
func mustUpsertLink(t *testing.T, db *store.DB, l *tenx.Link, wantCreated bool) *tenx.Link {
	t.Helper()
	created, err := db.UpsertLink(t.Context(), l)
	if err != nil {
		t.Fatalf("upsert link %s: %v", l.Slug, err)
	}
	if created != wantCreated {
		t.Fatalf("upsert link %s: created = %v, want %v", l.Slug, created, wantCreated)
	}
	return l
}

func newLink(handle, slug string, tags ...string) *tenx.Link {
	return &tenx.Link{Handle: handle, Slug: slug, DestinationURL: "https://example.net/" + slug,
		Title: "Title " + slug, Tags: tags, Enabled: true, RedirectType: 302}
}

func mustFindLink(t *testing.T, db *store.DB, handle, slug string) *tenx.Link {
	t.Helper()
	l, err := db.FindLink(t.Context(), handle, slug)
	if err != nil {
		t.Fatalf("find link %s: %v", slug, err)
	}
	return l
}

// setClickCount stands in for the click recorder, which this package does
// not have yet.
func setClickCount(t *testing.T, url, handle, slug string, n int64) {
	t.Helper()
	db := rawDB(t, url)
	q := `UPDATE links SET click_count = $1 WHERE handle = $2 AND slug = $3`
	if _, err := db.ExecContext(t.Context(), q, n, handle, slug); err != nil {
		t.Fatal(err)
	}
}

// countRows counts the rows of table in the raw database.
func countRows(t *testing.T, url, table string) int {
	t.Helper()
	var n int
	if err := rawDB(t, url).QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpsertLink(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		created := stored(clock.Now())
		start, end, exp := created.Add(time.Hour), created.Add(48*time.Hour), created.Add(72*time.Hour)

		l := &tenx.Link{Handle: "shop", Slug: "Promo_1", DestinationURL: "https://example.com/sale",
			Title: "Sale", Tags: []string{"spring", "promo", "spring"}, Enabled: true, RedirectType: 307,
			ScheduledStartAt: &start, ScheduledEndAt: &end, ExpiresAt: &exp, MaxClicks: ptr(int64(500))}
		mustUpsertLink(t, db, l, true)
		want := &tenx.Link{Handle: "shop", Slug: "Promo_1", DestinationURL: "https://example.com/sale",
			Title: "Sale", Tags: []string{"promo", "spring"}, Enabled: true, RedirectType: 307,
			ScheduledStartAt: &start, ScheduledEndAt: &end, ExpiresAt: &exp, MaxClicks: ptr(int64(500)),
			CreatedAt: created, UpdatedAt: created}
		if diff := gocmp.Diff(want, l); diff != "" {
			t.Errorf("created link (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(want, mustFindLink(t, db, "shop", "Promo_1")); diff != "" {
			t.Errorf("found link (-want +got):\n%s", diff)
		}

		setClickCount(t, url, "shop", "Promo_1", 7)
		clock.Add(time.Minute)
		upd := &tenx.Link{Handle: "shop", Slug: "Promo_1", DestinationURL: "https://example.com/new",
			Tags: []string{"autumn"}, RedirectType: 302}
		mustUpsertLink(t, db, upd, false)
		want = &tenx.Link{Handle: "shop", Slug: "Promo_1", DestinationURL: "https://example.com/new",
			Tags: []string{"autumn"}, RedirectType: 302, ClickCount: 7,
			CreatedAt: created, UpdatedAt: stored(clock.Now())}
		if diff := gocmp.Diff(want, upd); diff != "" {
			t.Errorf("updated link (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(want, mustFindLink(t, db, "shop", "Promo_1")); diff != "" {
			t.Errorf("found updated link (-want +got):\n%s", diff)
		}

		// Slugs are case-sensitive.
		mustUpsertLink(t, db, newLink("shop", "promo_1"), true)
		if got := mustFindLink(t, db, "shop", "Promo_1").DestinationURL; got != "https://example.com/new" {
			t.Errorf("Promo_1 destination = %q after creating promo_1", got)
		}
		// No tags is an empty list, not nil.
		if got := mustFindLink(t, db, "shop", "promo_1").Tags; got == nil || len(got) != 0 {
			t.Errorf("tags of an untagged link = %#v, want empty", got)
		}

		_, err := db.UpsertLink(t.Context(), newLink("nope", "abcd"))
		checkCode(t, err, tenx.ENOTFOUND)
	})
}

func TestFindLinkAndDeleteLink(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		mustUpsertLink(t, db, newLink("shop", "abcd", "x", "y"), true)
		mustUpsertLink(t, db, newLink("other", "kept", "z"), true)

		_, err := db.FindLink(t.Context(), "shop", "ABCD")
		checkCode(t, err, tenx.ENOTFOUND)
		_, err = db.FindLink(t.Context(), "other", "abcd")
		checkCode(t, err, tenx.ENOTFOUND)
		checkCode(t, db.DeleteLink(t.Context(), "other", "abcd"), tenx.ENOTFOUND)

		checkCode(t, db.DeleteLink(t.Context(), "shop", "abcd"), "")
		_, err = db.FindLink(t.Context(), "shop", "abcd")
		checkCode(t, err, tenx.ENOTFOUND)
		checkCode(t, db.DeleteLink(t.Context(), "shop", "abcd"), tenx.ENOTFOUND)
		if n := countRows(t, url, "link_tags"); n != 1 {
			t.Errorf("link_tags rows after delete = %d, want 1 (of the other handle)", n)
		}
		// The slug is free again, and the old tags are gone.
		mustUpsertLink(t, db, newLink("shop", "abcd"), true)
	})
}

func TestFindLinksFilters(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateHandle(t, db, "other", ann.ID)
		links := []*tenx.Link{
			{Slug: "alpha1", Title: "Spring SALE", DestinationURL: "https://example.com/a",
				Tags: []string{"spring", "promo"}, Enabled: true},
			{Slug: "Beta_2", Title: "100% off", DestinationURL: "https://shop.example.com/b",
				Tags: []string{"promo"}},
			{Slug: "gamma3", Title: "Wow!", DestinationURL: "https://example.org/100percent", Enabled: true},
			{Slug: "delta4", Title: "under_score", DestinationURL: "https://x.example.com/D",
				Tags: []string{"other"}, Enabled: true},
		}
		for _, l := range links {
			l.Handle, l.RedirectType = "shop", 302
			mustUpsertLink(t, db, l, true)
		}
		mustUpsertLink(t, db, newLink("other", "alpha1", "promo"), true)

		yes, no := true, false
		tests := []struct {
			name string
			f    tenx.LinkFilter
			want []string
		}{
			{"all, in byte order", tenx.LinkFilter{}, []string{"Beta_2", "alpha1", "delta4", "gamma3"}},
			{"tag", tenx.LinkFilter{Tag: "promo"}, []string{"Beta_2", "alpha1"}},
			{"unknown tag", tenx.LinkFilter{Tag: "none"}, []string{}},
			{"tag is exact", tenx.LinkFilter{Tag: "PROMO"}, []string{}},
			{"q in title, any case", tenx.LinkFilter{Q: "sale"}, []string{"alpha1"}},
			{"q in slug, any case", tenx.LinkFilter{Q: "BETA"}, []string{"Beta_2"}},
			{"q in destination", tenx.LinkFilter{Q: "EXAMPLE.COM"}, []string{"Beta_2", "alpha1", "delta4"}},
			{"q percent is literal", tenx.LinkFilter{Q: "100%"}, []string{"Beta_2"}},
			{"q underscore is literal", tenx.LinkFilter{Q: "_"}, []string{"Beta_2", "delta4"}},
			{"q escape character is literal", tenx.LinkFilter{Q: "!"}, []string{"gamma3"}},
			{"q no match", tenx.LinkFilter{Q: "zzz"}, []string{}},
			{"enabled", tenx.LinkFilter{Enabled: &yes}, []string{"alpha1", "delta4", "gamma3"}},
			{"disabled", tenx.LinkFilter{Enabled: &no}, []string{"Beta_2"}},
			{"tag and enabled", tenx.LinkFilter{Tag: "promo", Enabled: &yes}, []string{"alpha1"}},
			{"tag and q", tenx.LinkFilter{Tag: "promo", Q: "shop."}, []string{"Beta_2"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := tt.f
				f.Handle = "shop"
				got, next, err := db.FindLinks(t.Context(), f)
				if err != nil {
					t.Fatal(err)
				}
				slugs := []string{}
				for _, l := range got {
					slugs = append(slugs, l.Slug)
					// Each link carries all its tags, whatever the filter.
					want := mustFindLink(t, db, "shop", l.Slug)
					if diff := gocmp.Diff(want, l); diff != "" {
						t.Errorf("link %s (-want +got):\n%s", l.Slug, diff)
					}
				}
				if diff := gocmp.Diff(tt.want, slugs); diff != "" || next != "" {
					t.Errorf("slugs (-want +got):\n%s (next %q)", diff, next)
				}
			})
		}
		if got := mustFindLink(t, db, "shop", "alpha1").Tags; !slices.Equal(got, []string{"promo", "spring"}) {
			t.Errorf("tags = %v, want sorted [promo spring]", got)
		}
	})
}

func TestFindLinksPages(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		mustCreateHandle(t, db, "other", mustCreateUser(t, db, "bob@example.com").ID)
		var all, even []string
		for i := range 23 {
			slug := fmt.Sprintf("link%02d", i)
			if i%5 == 0 {
				slug = fmt.Sprintf("LINK%02d", i)
			}
			var tags []string
			if i%2 == 0 {
				tags, even = []string{"even"}, append(even, slug)
			}
			all = append(all, slug)
			mustUpsertLink(t, db, newLink("shop", slug, tags...), true)
			mustUpsertLink(t, db, newLink("other", slug, "even"), true)
		}
		slices.Sort(all)
		slices.Sort(even)
		tests := []struct {
			name      string
			tag       string
			limit     int
			want      []string
			wantSizes []int
		}{
			{"default limit", "", 0, all, []int{23}},
			{"one per page", "", 1, all, slices.Repeat([]int{1}, 23)},
			{"pages of 10", "", 10, all, []int{10, 10, 3}},
			{"exact fit", "", 23, all, []int{23}},
			{"filtered pages", "even", 5, even, []int{5, 5, 2}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				find := func(ctx context.Context, limit int, next string) ([]*tenx.Link, string, error) {
					return db.FindLinks(ctx, tenx.LinkFilter{Handle: "shop", Tag: tt.tag, Limit: limit, NextToken: next})
				}
				got, sizes := pageThrough(t, find, tt.limit, func(l *tenx.Link) string { return l.Slug })
				if diff := gocmp.Diff(tt.want, got); diff != "" {
					t.Errorf("slugs (-want +got):\n%s", diff)
				}
				if diff := gocmp.Diff(tt.wantSizes, sizes); diff != "" {
					t.Errorf("page sizes (-want +got):\n%s", diff)
				}
			})
		}
		checkMalformedPageTokens(t, func(ctx context.Context, limit int, next string) ([]*tenx.Link, string, error) {
			return db.FindLinks(ctx, tenx.LinkFilter{Handle: "shop", Limit: limit, NextToken: next})
		}, "not base64!", "=")
	})
}
