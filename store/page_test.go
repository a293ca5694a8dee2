package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// auditActions lists the actions of the handle's audit events, sorted:
// events of one instant have no order.
func auditActions(t *testing.T, db *store.DB, handle string) []string {
	t.Helper()
	events, _, err := db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: handle, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Action)
	}
	slices.Sort(out)
	return out
}

func TestPages(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		created := stored(clock.Now())
		for _, slug := range []string{"b-page", "a-page", "C-page"} {
			p := &tenx.Page{Handle: "shop", Slug: slug, Title: "T " + slug, Content: "# " + slug, AccessMode: tenx.PageAccessPublic}
			if err := db.CreatePage(ctx, p); err != nil {
				t.Fatal(err)
			}
			if p.Status != tenx.PageDraft || !p.CreatedAt.Equal(created) || p.PublishedAt != nil {
				t.Fatalf("created %+v", p)
			}
		}
		checkCode(t, db.CreatePage(ctx, &tenx.Page{Handle: "shop", Slug: "a-page", Title: "x", AccessMode: tenx.PageAccessPublic}), tenx.ECONFLICT)
		checkCode(t, db.CreatePage(ctx, &tenx.Page{Handle: "nope", Slug: "a-page", Title: "x", AccessMode: tenx.PageAccessPublic}), tenx.ENOTFOUND)

		clock.Add(time.Minute)
		p, err := db.PublishPage(ctx, "shop", "a-page")
		if err != nil || p.Status != tenx.PagePublished || p.PublishedAt == nil || !p.PublishedAt.Equal(stored(clock.Now())) {
			t.Fatalf("published %+v, %v", p, err)
		}
		upd := &tenx.Page{Handle: "shop", Slug: "a-page", Title: "New", Content: "new", AccessMode: tenx.PageAccessPublic}
		if err := db.UpdatePage(ctx, upd); err != nil || upd.Status != tenx.PagePublished || upd.Title != "New" || !upd.CreatedAt.Equal(created) {
			t.Fatalf("updated %+v, %v", upd, err)
		}
		checkCode(t, db.UpdatePage(ctx, &tenx.Page{Handle: "shop", Slug: "none", Title: "x", AccessMode: tenx.PageAccessPublic}), tenx.ENOTFOUND)
		_, err = db.PublishPage(ctx, "shop", "none")
		checkCode(t, err, tenx.ENOTFOUND)

		find := func(ctx context.Context, limit int, next string) ([]*tenx.Page, string, error) {
			return db.FindPages(ctx, tenx.PageFilter{Handle: "shop", Limit: limit, NextToken: next})
		}
		if slugs, _ := pageThrough(t, find, 2, func(p *tenx.Page) string { return p.Slug }); !slices.Equal(slugs, []string{"C-page", "a-page", "b-page"}) {
			t.Fatalf("pages in order %v", slugs)
		}
		checkMalformedPageTokens(t, find, "!!", b64("a\x00b"), b64("\xff"))
		drafts, _, err := db.FindPages(ctx, tenx.PageFilter{Handle: "shop", Status: tenx.PageDraft})
		if err != nil || len(drafts) != 2 {
			t.Fatalf("%d drafts, %v", len(drafts), err)
		}
		if err := db.DeletePage(ctx, "shop", "b-page"); err != nil {
			t.Fatal(err)
		}
		checkCode(t, db.DeletePage(ctx, "shop", "b-page"), tenx.ENOTFOUND)
		_, err = db.FindPage(ctx, "shop", "b-page")
		checkCode(t, err, tenx.ENOTFOUND)
		want := []string{"page.created", "page.created", "page.created", "page.deleted", "page.published", "page.updated"}
		if got := auditActions(t, db, "shop"); !slices.Equal(got, want) {
			t.Fatalf("audit %v, want %v", got, want)
		}
	})
}
