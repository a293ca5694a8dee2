package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tenx"
	"tenx/clocktest"
	"tenx/queue"
	"tenx/store"
	"tenx/store/storetest"
	"tenx/webhook"
)

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
	err    error // the signature check
}

// receiver is a real HTTP endpoint that verifies every signature with the
// independent verifier and answers with reply.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	got    []received
	reply  func(n int, w http.ResponseWriter)
}

func newReceiver(t *testing.T, reply func(n int, w http.ResponseWriter)) *receiver {
	r := &receiver{reply: reply}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body, err: verify(r.secret, req.Header, body)})
		n := len(r.got)
		r.mu.Unlock()
		if r.reply == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		r.reply(n, w)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// rig is a migrated database with a handle "acme", and River workers
// delivering its webhooks until the test ends.
type rig struct {
	db     *store.DB
	clock  *clocktest.Clock
	runner *queue.Runner
	pool   interface{ Close() error }
	cfg    webhook.Config
}

// newRig opens the database at url. Its clock stands an hour behind real
// time: the worker computes retry times from it (so the test reads exact
// 5/10/20/40 s gaps) while River, on real time, finds each retry already
// due and runs it at once: no test sleeps through the schedule.
func newRig(t *testing.T, url string, cfg webhook.Config) *rig {
	t.Helper()
	clock := clocktest.New(time.Now().Add(-time.Hour).Truncate(time.Millisecond))
	db := storetest.MustOpen(t, url, clock.Now)
	u := &tenx.User{Email: "ann@example.com", PasswordHash: "x"}
	if err := db.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"acme", "other"} {
		if err := db.CreateHandle(t.Context(), &tenx.Handle{Name: h, DisplayName: h, OwnerID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	cfg.AllowHTTP, cfg.Now = true, clock.Now
	r := &rig{db: db, clock: clock, cfg: cfg}
	r.start(t)
	return r
}

// start starts the workers; they stop when the test ends.
func (r *rig) start(t *testing.T) {
	t.Helper()
	pool, err := r.db.QueuePool(4)
	if err != nil {
		t.Fatal(err)
	}
	runner, err := queue.Start(context.Background(), r.db.Dialect(), pool,
		queue.Config{PollInterval: 50 * time.Millisecond, Register: webhook.New(r.cfg, r.db).Register})
	if err != nil {
		pool.Close()
		t.Fatal(err)
	}
	r.runner, r.pool = runner, pool
	t.Cleanup(func() { r.stop(t) })
}

func (r *rig) stop(t *testing.T) {
	if r.runner == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.runner.Stop(ctx); err != nil {
		t.Errorf("stop workers: %v", err)
	}
	r.pool.Close()
	r.runner = nil
}

// subscribe subscribes endpoint to types of acme.
func (r *rig) subscribe(t *testing.T, endpoint string, types ...string) *tenx.Webhook {
	t.Helper()
	w := &tenx.Webhook{Handle: "acme", EndpointURL: endpoint, EventTypes: types}
	if err := r.db.CreateWebhook(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

// link makes a change that emits link.created (or link.updated).
func (r *rig) link(t *testing.T, slug string) {
	t.Helper()
	if _, err := r.db.UpsertLink(t.Context(), &tenx.Link{Handle: "acme", Slug: slug, DestinationURL: "https://example.com",
		Enabled: true, RedirectType: 302}); err != nil {
		t.Fatal(err)
	}
}

// deliveries waits until none of the subscription's n deliveries is
// pending (a guard against a hang, not a speed check) and returns them.
func (r *rig) deliveries(t *testing.T, w *tenx.Webhook, n int) []*tenx.WebhookDelivery {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ds, _, err := r.db.FindWebhookDeliveries(t.Context(), tenx.WebhookFilter{Handle: w.Handle, WebhookID: w.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		done := len(ds) == n
		for _, d := range ds {
			done = done && d.Status != tenx.DeliveryPending
		}
		if done {
			return ds
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries not done after 60s: %d of %d, %+v", len(ds), n, ds)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDeliverySignedAndLogged(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		recv := newReceiver(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(200); w.Write([]byte("thanks")) })
		r := newRig(t, url, webhook.Config{AllowPrivate: true})
		w := r.subscribe(t, recv.URL+"/hook", tenx.EventLinkCreated)
		recv.secret = w.Secret
		r.link(t, "first")
		r.link(t, "first") // link.updated: not subscribed
		ds := r.deliveries(t, w, 1)
		d := ds[0]
		if d.Status != tenx.DeliverySucceeded || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 200 ||
			d.Attempts[0].Response != "thanks" || d.Attempts[0].RetryAt != nil || d.NextRetryAt != nil {
			t.Fatalf("delivery %+v attempts %+v", d, d.Attempts)
		}
		got := recv.requests()
		if len(got) != 1 {
			t.Fatalf("%d requests, want 1", len(got))
		}
		if got[0].err != nil {
			t.Fatalf("signature: %v", got[0].err)
		}
		h := got[0].header
		if h.Get("webhook-id") != d.EventID || h.Get("tenx-event-type") != "link.created" || h.Get("tenx-attempt") != "1" ||
			h.Get("Content-Type") != "application/json" {
			t.Fatalf("headers %v", h)
		}
		var body struct {
			ID, Type, Handle string
			OccurredAt       time.Time
			Payload          struct{ Slug, DestinationURL string }
		}
		if err := json.Unmarshal(got[0].body, &body); err != nil {
			t.Fatal(err)
		}
		if body.ID != d.EventID || body.Type != "link.created" || body.Handle != "acme" || body.Payload.Slug != "first" ||
			body.OccurredAt.IsZero() {
			t.Fatalf("body %s", got[0].body)
		}
	})
}

// TestRetrySchedule: 5xx is retried after 5, 10, 20 and 40 s, then the
// delivery gives up after 5 attempts; every attempt is signed.
func TestRetrySchedule(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		recv := newReceiver(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(503) })
		r := newRig(t, url, webhook.Config{AllowPrivate: true})
		w := r.subscribe(t, recv.URL, "*")
		recv.secret = w.Secret
		r.link(t, "retried")
		d := r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliveryFailed || len(d.Attempts) != 5 {
			t.Fatalf("delivery %+v, %d attempts", d, len(d.Attempts))
		}
		for i, a := range d.Attempts {
			var gap time.Duration
			if a.RetryAt != nil {
				gap = a.RetryAt.Sub(a.At)
			}
			if want := []time.Duration{5, 10, 20, 40, 0}[i] * time.Second; gap != want || a.StatusCode != 503 || a.Attempt != i+1 {
				t.Errorf("attempt %d: %+v, gap %v, want %v", i+1, a, gap, want)
			}
		}
		got := recv.requests()
		if len(got) != 5 {
			t.Fatalf("%d requests, want 5", len(got))
		}
		for i, g := range got {
			if g.err != nil || g.header.Get("tenx-attempt") != strconv.Itoa(i+1) {
				t.Errorf("request %d: %v, attempt %q", i+1, g.err, g.header.Get("tenx-attempt"))
			}
		}
	})
}

// TestWhatIsRetried: other 4xx end the delivery at once; 429 honours
// Retry-After up to 60 s; 408 and a timeout are retried.
func TestWhatIsRetried(t *testing.T) {
	{
		cases := []struct {
			name  string
			reply func(n int, w http.ResponseWriter)
			// the attempts' status codes and the gaps to their retries
			codes []int
			gaps  []time.Duration
		}{
			{"400 ends it", func(int, http.ResponseWriter) {}, nil, nil},
			{"429 with Retry-After", func(n int, w http.ResponseWriter) {
				if n == 1 {
					w.Header().Set("Retry-After", "30")
					w.WriteHeader(429)
				}
			}, []int{429, 200}, []time.Duration{30 * time.Second, 0}},
			{"Retry-After capped at 60 s", func(n int, w http.ResponseWriter) {
				if n == 1 {
					w.Header().Set("Retry-After", "3600")
					w.WriteHeader(429)
				}
			}, []int{429, 200}, []time.Duration{60 * time.Second, 0}},
			{"408 retried", func(n int, w http.ResponseWriter) {
				if n == 1 {
					w.WriteHeader(408)
				}
			}, []int{408, 200}, []time.Duration{5 * time.Second, 0}},
			{"404 not retried", func(_ int, w http.ResponseWriter) { w.WriteHeader(404) }, []int{404}, []time.Duration{0}},
			{"redirect not followed", func(_ int, w http.ResponseWriter) {
				w.Header().Set("Location", "http://127.0.0.1:1/")
				w.WriteHeader(307)
			}, []int{307}, []time.Duration{0}},
		}
		cases[0].reply = func(_ int, w http.ResponseWriter) { w.WriteHeader(400); w.Write(make([]byte, 100<<10)) }
		cases[0].codes, cases[0].gaps = []int{400}, []time.Duration{0}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				storetest.Dialects(t, func(t *testing.T, url string) {
					recv := newReceiver(t, c.reply)
					r := newRig(t, url, webhook.Config{AllowPrivate: true})
					w := r.subscribe(t, recv.URL, "*")
					recv.secret = w.Secret
					r.link(t, "some-link")
					d := r.deliveries(t, w, 1)[0]
					if len(d.Attempts) != len(c.codes) {
						t.Fatalf("attempts %+v, want codes %v", d.Attempts, c.codes)
					}
					for i, a := range d.Attempts {
						var gap time.Duration
						if a.RetryAt != nil {
							gap = a.RetryAt.Sub(a.At)
						}
						if a.StatusCode != c.codes[i] || gap != c.gaps[i] || len(a.Response) > webhook.ResponseKeep {
							t.Errorf("attempt %d: code %d gap %v (response %d bytes), want %d %v", i+1, a.StatusCode, gap,
								len(a.Response), c.codes[i], c.gaps[i])
						}
					}
					if len(recv.requests()) != len(c.codes) {
						t.Errorf("%d requests, want %d", len(recv.requests()), len(c.codes))
					}
				})
			})
		}
		t.Run("timeout", func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, url string) {
				release := make(chan struct{})
				recv := newReceiver(t, func(n int, w http.ResponseWriter) {
					if n == 1 {
						<-release
					}
				})
				defer close(release)
				r := newRig(t, url, webhook.Config{AllowPrivate: true, Timeout: 300 * time.Millisecond})
				w := r.subscribe(t, recv.URL, "*")
				recv.secret = w.Secret
				r.link(t, "slow-link")
				d := r.deliveries(t, w, 1)[0]
				if d.Status != tenx.DeliverySucceeded || len(d.Attempts) != 2 || d.Attempts[0].StatusCode != 0 ||
					d.Attempts[0].Error == "" || d.Attempts[0].RetryAt == nil {
					t.Fatalf("delivery %+v attempts %+v", d, d.Attempts)
				}
			})
		})
	}
}

// TestConnectionRefusedIsRetried: a receiver that is down (nothing
// listens) gets no answer; the attempt is logged with no status and the
// error, and retried on the schedule until the run ends.
func TestConnectionRefusedIsRetried(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := "http://" + ln.Addr().String() + "/hook"
		ln.Close() // nothing listens there now
		r := newRig(t, url, webhook.Config{AllowPrivate: true, Schedule: []time.Duration{5 * time.Second}})
		w := r.subscribe(t, down, "*")
		r.link(t, "down")
		d := r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliveryFailed || len(d.Attempts) != 2 {
			t.Fatalf("delivery %+v attempts %+v, want 2 failed attempts", d, d.Attempts)
		}
		for i, a := range d.Attempts {
			if a.StatusCode != 0 || !strings.Contains(a.Error, "connection refused") {
				t.Errorf("attempt %d: %+v, want no status and connection refused", i+1, a)
			}
		}
		if a := d.Attempts[0]; a.RetryAt == nil || !a.RetryAt.Equal(a.At.Add(5*time.Second)) {
			t.Errorf("first attempt %+v, want a retry 5 s later", a)
		}
		if d.Attempts[1].RetryAt != nil {
			t.Errorf("the last attempt schedules a retry: %+v", d.Attempts[1])
		}
	})
}

// TestDisabledSinceQueuedIsNotSent: a subscription disabled after its
// delivery was queued gets nothing; the attempt is logged and not retried.
func TestDisabledSinceQueuedIsNotSent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		recv := newReceiver(t, nil)
		r := newRig(t, url, webhook.Config{AllowPrivate: true})
		r.stop(t)
		w := r.subscribe(t, recv.URL+"/hook", "*")
		r.link(t, "queued")
		off := false
		if _, err := r.db.UpdateWebhook(t.Context(), "acme", w.ID, tenx.WebhookPatch{Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		r.start(t)
		d := r.deliveries(t, w, 1)[0]
		if d.Status != tenx.DeliveryFailed || len(d.Attempts) != 1 || d.Attempts[0].Error != "the subscription is disabled" ||
			d.Attempts[0].RetryAt != nil {
			t.Fatalf("delivery %+v attempts %+v", d, d.Attempts)
		}
		if n := len(recv.requests()); n != 0 {
			t.Fatalf("the receiver got %d requests", n)
		}
	})
}
