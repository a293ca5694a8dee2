package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tenx"
	"tenx/store/storetest"
	"tenx/webhook"
)

// TestGuardRefusesPrivateAddresses: without the override the client
// refuses loopback, private, link-local (metadata) addresses and a name
// that resolves to loopback, at connect time; a live receiver on loopback
// gets nothing.
func TestGuardRefusesPrivateAddresses(t *testing.T) {
	recv := newReceiver(t, nil)
	port := recv.Listener.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndex(port, ":")+1:]
	client := webhook.NewClient(2*time.Second, false)
	for _, u := range []string{"http://127.0.0.1:" + port, "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
		"http://[::1]:" + port, "http://localhost:" + port, "http://100.64.0.1/", "http://[::ffff:127.0.0.1]:" + port,
		"http://0.0.0.0:" + port} {
		resp, err := client.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, webhook.ErrForbiddenAddress) {
			t.Errorf("POST %s: %v, want the guard's refusal", u, err)
		}
	}
	if n := len(recv.requests()); n != 0 {
		t.Fatalf("the receiver got %d requests", n)
	}
	if _, err := webhook.NewClient(2*time.Second, true).Post(recv.URL, "application/json", strings.NewReader("{}")); err != nil {
		t.Fatalf("with the override: %v", err)
	}
}

// TestDeliveryToLoopbackRefused: a subscription to a loopback endpoint
// fails its delivery at once, without retries, when private addresses are
// not allowed: the address guard refuses it (the rig allows http, so the
// URL itself passes).
func TestDeliveryToLoopbackRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		recv := newReceiver(t, nil)
		r := newRig(t, dbURL, webhook.Config{})
		u, _ := url.Parse(recv.URL)
		w := r.subscribe(t, "http://localhost:"+u.Port()+"/hook", "*")
		r.link(t, "guarded")
		d := r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliveryFailed || len(d.Attempts) != 1 || !strings.Contains(d.Attempts[0].Error, webhook.ErrForbiddenAddress.Error()) {
			t.Fatalf("delivery %+v attempts %+v", d, d.Attempts)
		}
		if len(recv.requests()) != 0 {
			t.Fatal("the receiver got a request")
		}
	})
}

// TestCommittedWhileStoppedIsDelivered: events committed while no worker
// runs are delivered once workers start (they were queued in the events'
// transactions).
func TestCommittedWhileStoppedIsDelivered(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		recv := newReceiver(t, nil)
		r := newRig(t, dbURL, webhook.Config{AllowPrivate: true})
		r.stop(t)
		w := r.subscribe(t, recv.URL, "*")
		recv.secret = w.Secret
		for _, slug := range []string{"one-1", "two-2", "three-3"} {
			r.link(t, slug)
		}
		if n := len(recv.requests()); n != 0 {
			t.Fatalf("%d requests while stopped", n)
		}
		r.start(t)
		for _, d := range r.deliveries(t, w, 3) {
			if d.Status != tenx.DeliverySucceeded {
				t.Errorf("delivery %+v", d)
			}
		}
		for _, g := range recv.requests() {
			if g.err != nil {
				t.Error(g.err)
			}
		}
	})
}

// TestRedeliver: a failed delivery delivered again starts a new run whose
// attempts continue the log.
func TestRedeliver(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		recv := newReceiver(t, func(n int, w http.ResponseWriter) {
			if n == 1 {
				w.WriteHeader(410)
			}
		})
		r := newRig(t, dbURL, webhook.Config{AllowPrivate: true})
		w := r.subscribe(t, recv.URL, "*")
		recv.secret = w.Secret
		r.link(t, "again")
		d := r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliveryFailed {
			t.Fatalf("delivery %+v", d)
		}
		if _, err := r.db.Redeliver(t.Context(), "acme", w.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		d = r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliverySucceeded || len(d.Attempts) != 2 || d.Attempts[1].Attempt != 2 {
			t.Fatalf("delivery %+v attempts %+v", d, d.Attempts)
		}
		got := recv.requests()
		if len(got) != 2 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") || got[1].err != nil {
			t.Fatalf("requests %+v", got)
		}
		if _, err := r.db.Redeliver(t.Context(), "other", w.ID, d.ID); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("redeliver through another handle: %v", err)
		}
	})
}

// TestDisabledAfterADayOfFailures: a subscription whose attempts fail for
// 24 hours straight is disabled, with an audit row and a webhook.disabled
// event to the handle's other subscriptions; a success in between starts
// the count again.
func TestDisabledAfterADayOfFailures(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, dbURL string) {
		var failing sync.Map
		failing.Store("on", true)
		recv := newReceiver(t, func(_ int, w http.ResponseWriter) {
			if on, _ := failing.Load("on"); on.(bool) {
				w.WriteHeader(400)
			}
		})
		watcher := newReceiver(t, nil)
		r := newRig(t, dbURL, webhook.Config{AllowPrivate: true})
		w := r.subscribe(t, recv.URL, tenx.EventLinkCreated)
		other := r.subscribe(t, watcher.URL, tenx.EventWebhookDisabled)
		watcher.secret = other.Secret
		r.link(t, "fail-1")
		r.deliveries(t, w, 1)
		r.clock.Add(23 * time.Hour)
		r.link(t, "fail-2")
		r.deliveries(t, w, 2)
		if got, _ := r.db.FindWebhook(t.Context(), "acme", w.ID); !got.Enabled || got.FailingSince == nil {
			t.Fatalf("after 23 h: %+v", got)
		}
		r.clock.Add(time.Hour)
		r.link(t, "fail-3")
		r.deliveries(t, w, 3)
		got, _ := r.db.FindWebhook(t.Context(), "acme", w.ID)
		if got.Enabled || got.DisabledReason != tenx.DisabledAfterFailures {
			t.Fatalf("after 24 h: %+v", got)
		}
		ds := r.deliveries(t, other, 1)
		if ds[0].EventType != tenx.EventWebhookDisabled || ds[0].Status != tenx.DeliverySucceeded {
			t.Fatalf("webhook.disabled delivery %+v", ds[0])
		}
		events, _, err := r.db.FindAuditEvents(t.Context(), tenx.AuditFilter{Handle: "acme", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			found = found || e.Action == "webhook.disabled" && e.TargetID == w.ID
		}
		if !found {
			t.Fatalf("no webhook.disabled audit row in %+v", events)
		}
		// Enabled again, a success ends the run of failures.
		on := true
		if _, err := r.db.UpdateWebhook(t.Context(), "acme", w.ID, tenx.WebhookPatch{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
		failing.Store("on", false)
		r.link(t, "works-4")
		r.deliveries(t, w, 4)
		if got, _ := r.db.FindWebhook(t.Context(), "acme", w.ID); !got.Enabled || got.FailingSince != nil || got.DisabledReason != "" {
			t.Fatalf("after a success: %+v", got)
		}
	})
}

// TestTwoInstancesAttemptOnce: two instances' workers on one Postgres
// share the queue; each delivery attempt happens once.
func TestTwoInstancesAttemptOnce(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	recv := newReceiver(t, nil)
	a := newRig(t, dbURL, webhook.Config{AllowPrivate: true})
	b := storetest.MustOpen(t, dbURL, a.clock.Now)
	second := &rig{db: b, clock: a.clock, cfg: a.cfg}
	second.start(t)
	w := a.subscribe(t, recv.URL, "*")
	recv.secret = w.Secret
	const events = 100
	var wg sync.WaitGroup
	for i := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := []*rig{a, second}[i%2].db
			if _, err := db.UpsertLink(context.Background(), &tenx.Link{Handle: "acme", Slug: "twin-" + strconv.Itoa(i),
				DestinationURL: "https://example.com", Enabled: true, RedirectType: 302}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	a.deliveries(t, w, events)
	seen := map[string]int{}
	for _, g := range recv.requests() {
		if g.err != nil {
			t.Error(g.err)
		}
		seen[g.header.Get("webhook-id")]++
	}
	if len(seen) != events {
		t.Fatalf("%d distinct events delivered, want %d", len(seen), events)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}
