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

// TestWebhookAttemptReplayAndDeletion: what the delivery worker reads
// carries the event; an attempt logged twice (its worker died after
// logging it and River ran the job again) is logged once and queues its
// retry once; once the subscription is deleted, its delivery is gone for
// the worker (ENOTFOUND: the job ends).
func TestWebhookAttemptReplayAndDeletion(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		w := mustSubscribe(t, db, "shop", "*")
		e, err := db.TestWebhook(ctx, "shop", w.ID)
		if err != nil {
			t.Fatal(err)
		}
		ds, _, err := db.FindWebhookDeliveries(ctx, tenx.WebhookFilter{Handle: "shop", WebhookID: w.ID, Limit: 10})
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries %v, %v", ds, err)
		}
		send, err := db.FindWebhookSend(ctx, ds[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if send.Event.ID != e.ID || send.Event.Type != tenx.EventWebhookTest || string(send.Event.Payload) != `{"webhookId":"`+w.ID+`"}` ||
			!send.Event.OccurredAt.Equal(e.OccurredAt) || send.Webhook.ID != w.ID || send.Attempts != 0 {
			t.Fatalf("send %+v (event %+v), want event %+v", send, send.Event, e)
		}
		retry := time.Now().Add(5 * time.Second)
		o := tenx.WebhookOutcome{Attempt: tenx.WebhookAttempt{Attempt: 1, At: time.Now(), StatusCode: 500, Error: "HTTP 500"},
			RetryAt: &retry}
		for range 2 {
			if err := db.RecordWebhookAttempt(ctx, ds[0].ID, o); err != nil {
				t.Fatal(err)
			}
		}
		for table, want := range map[string]int{"webhook_attempts": 1, "river_job": 2} { // the first attempt's job and one retry
			if n, err := db.CountRows(ctx, table); err != nil || n != want {
				t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
			}
		}
		if err := db.DeleteWebhook(ctx, "shop", w.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.FindWebhookSend(ctx, ds[0].ID)
		checkCode(t, err, tenx.ENOTFOUND)
		o.Attempt.Attempt = 2
		checkCode(t, db.RecordWebhookAttempt(ctx, ds[0].ID, o), tenx.ENOTFOUND)
	})
}

// TestWebhookDeliveriesPaged: a subscription's deliveries come newest
// first, a page at a time, each exactly once (the test clock stands
// still, so the pages split deliveries of the same time by id).
func TestWebhookDeliveriesPaged(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		w := mustSubscribe(t, db, "shop", "*")
		for range 5 {
			if _, err := db.TestWebhook(ctx, "shop", w.ID); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[string]bool{}
		next, pages := "", 0
		for {
			ds, token, err := db.FindWebhookDeliveries(ctx, tenx.WebhookFilter{Handle: "shop", WebhookID: w.ID, Limit: 2, NextToken: next})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, d := range ds {
				if seen[d.ID] {
					t.Fatalf("delivery %s on two pages", d.ID)
				}
				seen[d.ID] = true
			}
			if next = token; next == "" {
				break
			}
		}
		if len(seen) != 5 || pages != 3 {
			t.Fatalf("%d deliveries on %d pages, want 5 on 3", len(seen), pages)
		}
	})
}
