package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

func mustSubscribe(t *testing.T, db *store.DB, handle string, types ...string) *tenx.Webhook {
	t.Helper()
	w := &tenx.Webhook{Handle: handle, EndpointURL: "https://hooks.example.com/", EventTypes: types}
	if err := db.CreateWebhook(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

// eventTypesOf lists the event types of the subscription's deliveries,
// sorted.
func eventTypesOf(t *testing.T, db *store.DB, w *tenx.Webhook) []string {
	t.Helper()
	ds, _, err := db.FindWebhookDeliveries(t.Context(), tenx.WebhookFilter{Handle: w.Handle, WebhookID: w.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range ds {
		if d.Status != tenx.DeliveryPending || d.NextRetryAt == nil {
			t.Errorf("delivery %+v is not queued", d)
		}
		types = append(types, d.EventType)
	}
	slices.Sort(types)
	return types
}

// TestEventsOfEachChange: each change of PRODUCT.md §7.3 queues its event
// to the handle's enabled subscriptions that want its type, and to no
// other.
func TestEventsOfEachChange(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		owner := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", owner.ID)
		mustCreateHandle(t, db, "other", owner.ID)
		all := mustSubscribe(t, db, "shop", "*")
		created := mustSubscribe(t, db, "shop", tenx.EventLinkCreated)
		off := mustSubscribe(t, db, "shop", "*")
		no := false
		if _, err := db.UpdateWebhook(ctx, "shop", off.ID, tenx.WebhookPatch{Enabled: &no}); err != nil {
			t.Fatal(err)
		}
		elsewhere := mustSubscribe(t, db, "other", tenx.EventLinkCreated, tenx.EventLinkUpdated)

		link := &tenx.Link{Handle: "shop", Slug: "spring", DestinationURL: "https://example.com", Enabled: true, RedirectType: 302}
		for range 2 { // created, then updated
			if _, err := db.UpsertLink(ctx, link); err != nil {
				t.Fatal(err)
			}
		}
		tok := mustCreateToken(t, db, "shop", owner.ID, "ci", nil)
		if err := db.RevokeToken(ctx, "shop", tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePage(ctx, &tenx.Page{Handle: "shop", Slug: "about", Title: "About", AccessMode: tenx.PageAccessPublic}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublishPage(ctx, "shop", "about"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateDeployment(ctx, inline("shop"), 0); err != nil {
			t.Fatal(err)
		}
		file := &tenx.File{Handle: "shop", FileName: "a.txt", ContentType: "text/plain", SizeBytes: 1}
		if err := db.CreateFile(ctx, file, 0); err != nil { // pending: no event yet
			t.Fatal(err)
		}
		if _, err := db.MarkFileReady(ctx, "shop", file.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCampaign(ctx, &tenx.Campaign{Handle: "shop", ID: "spring", GoalType: tenx.GoalNewsletter,
			Status: tenx.CampaignDraft}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutSiteStructure(ctx, "shop", "spring", json.RawMessage(`{"title":"v"}`), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublishSiteStructure(ctx, "shop", "spring", 1); err != nil {
			t.Fatal(err)
		}
		clicks := []*tenx.Click{
			{ID: "clk_1", Handle: "shop", Slug: "spring", OccurredAt: time.Now(), Device: tenx.DeviceDesktop, Country: "ZZ"},
			{ID: "clk_2", Handle: "other", Slug: "x", OccurredAt: time.Now(), Device: tenx.DeviceDesktop, Country: "ZZ"},
		}
		if err := db.RecordClicks(ctx, clicks); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.RecordConversion(ctx, &tenx.Conversion{Handle: "shop", Slug: "spring", ClickID: "clk_1", Type: "purchase"}); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := db.DeleteLink(ctx, "shop", "spring"); err != nil {
			t.Fatal(err)
		}
		want := []string{"campaign.published", "conversion.recorded", "deployment.activated", "file.uploaded", "link.clicked",
			"link.created", "link.deleted", "link.updated", "page.published", "token.created", "token.revoked"}
		if got := eventTypesOf(t, db, all); !slices.Equal(got, want) {
			t.Errorf("\"*\" got %v, want %v", got, want)
		}
		if got := eventTypesOf(t, db, created); !slices.Equal(got, []string{"link.created"}) {
			t.Errorf("link.created got %v", got)
		}
		if got := eventTypesOf(t, db, off); len(got) != 0 {
			t.Errorf("the disabled subscription got %v", got)
		}
		if got := eventTypesOf(t, db, elsewhere); len(got) != 0 {
			t.Errorf("another handle's subscription got %v", got)
		}
		if n, err := db.CountRows(ctx, "river_job"); err != nil || n != len(want)+1 {
			t.Errorf("%d jobs (%v), want one per delivery, %d", n, err, len(want)+1)
		}
	})
}

// TestRolledBackChangeQueuesNothing: a change that fails after its event
// leaves neither the event nor a job; one that commits leaves both.
func TestRolledBackChangeQueuesNothing(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		mustSubscribe(t, db, "shop", "*")
		if err := db.EmitInTx(ctx, "shop", tenx.EventLinkCreated, errors.New("the change failed")); err == nil {
			t.Fatal("no error")
		}
		for _, table := range []string{"events", "webhook_deliveries", "river_job"} {
			if n, err := db.CountRows(ctx, table); err != nil || n != 0 {
				t.Errorf("%s: %d rows (%v) after a rollback", table, n, err)
			}
		}
		if err := db.EmitInTx(ctx, "shop", tenx.EventLinkCreated, nil); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"events", "webhook_deliveries", "river_job"} {
			if n, err := db.CountRows(ctx, table); err != nil || n != 1 {
				t.Errorf("%s: %d rows (%v) after a commit", table, n, err)
			}
		}
	})
}
