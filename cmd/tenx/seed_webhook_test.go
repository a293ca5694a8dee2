package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tenx/gen"
	"tenx/store/storetest"
)

// hookReceiver is a real endpoint that keeps the event ids whose
// Standard Webhooks signature verifies with secret.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	verified map[string]int
	bad      int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{verified: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(req.Header.Get("webhook-id") + "." + req.Header.Get("webhook-timestamp") + "." + string(body)))
		if req.Header.Get("webhook-signature") == "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			r.verified[req.Header.Get("webhook-id")]++
		} else {
			r.bad++
		}
	}))
	t.Cleanup(r.Close)
	return r
}

// waitFor waits until the event id arrived signed (a hang guard, not a
// speed check).
func (r *hookReceiver) waitFor(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		n, bad := r.verified[id], r.bad
		r.mu.Unlock()
		if bad > 0 {
			t.Fatalf("%d deliveries with a bad signature", bad)
		}
		if n > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("event %s was not delivered within 30s", id)
}

// seedWebhooks: what the token guide says of webhooks.* ("Create, list,
// delete, and test webhook subscriptions" at /v2/public/handles/{handle}/webhooks),
// and that a token without it cannot touch them.
func seedWebhooks(t *testing.T, base, jwt string) {
	recv := newHookReceiver(t)
	var pat, reader, links gen.TokenCreated
	for _, tk := range []struct {
		out    *gen.TokenCreated
		scopes []string
	}{{&pat, []string{"webhooks.*"}}, {&reader, []string{"webhooks.read"}}, {&links, []string{"analytics.*"}}} {
		call(t, "POST", base+"/v2/handles/acme/tokens", jwt, gen.TokenCreate{Name: "hooks-" + tk.scopes[0], Scopes: tk.scopes},
			http.StatusCreated, tk.out)
	}
	hooks := base + "/v2/public/handles/acme/webhooks"
	in := gen.WebhookCreate{EndpointUrl: recv.URL + "/tenx", EventTypes: []gen.WebhookEventType{"link.created"}}
	var created gen.WebhookCreated
	call(t, "POST", hooks, pat.Token, in, http.StatusCreated, &created)
	recv.mu.Lock()
	recv.secret = created.Secret
	recv.mu.Unlock()
	call(t, "POST", hooks, reader.Token, in, http.StatusForbidden, nil)
	call(t, "GET", hooks, links.Token, nil, http.StatusForbidden, nil)
	var list gen.WebhookList
	call(t, "GET", hooks, reader.Token, nil, http.StatusOK, &list)
	if len(list.Webhooks) != 1 || list.Webhooks[0].SubscriptionId != created.SubscriptionId {
		t.Fatalf("webhooks %+v", list)
	}
	var queued gen.WebhookTestQueued
	call(t, "POST", hooks+"/"+created.SubscriptionId+"/test", pat.Token, nil, http.StatusAccepted, &queued)
	recv.waitFor(t, queued.EventId)
	call(t, "DELETE", hooks+"/"+created.SubscriptionId, pat.Token, nil, http.StatusNoContent, nil)
}

// TestSeparateWorker: API instances with TENX_WORKERS=off deliver
// nothing; a tenx worker process delivers what they queued.
func TestSeparateWorker(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		env := quietEnv(t, url)
		env["TENX_WORKERS"], env["TENX_WEBHOOK_ALLOW_HTTP"], env["TENX_WEBHOOK_ALLOW_PRIVATE"] = "off", "true", "true"
		srv := mustServe(t, env)
		jwt := signupWithHandle(t, srv.URL)
		recv := newHookReceiver(t)
		var created gen.WebhookCreated
		call(t, "POST", srv.URL+"/v2/handles/acme/webhooks", jwt,
			gen.WebhookCreate{EndpointUrl: recv.URL, EventTypes: []gen.WebhookEventType{"*"}}, http.StatusCreated, &created)
		recv.mu.Lock()
		recv.secret = created.Secret
		recv.mu.Unlock()
		var queued gen.WebhookTestQueued
		call(t, "POST", srv.URL+"/v2/handles/acme/webhooks/"+created.SubscriptionId+"/test", jwt, nil, http.StatusAccepted, &queued)
		time.Sleep(500 * time.Millisecond) // long enough for a wrongly started worker to deliver
		recv.mu.Lock()
		early := recv.verified[queued.EventId]
		recv.mu.Unlock()
		if early != 0 {
			t.Fatal("delivered with TENX_WORKERS=off")
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"worker"}, mapEnv(env), strings.NewReader(""), io.Discard, io.Discard)
		}()
		recv.waitFor(t, queued.EventId)
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("tenx worker: %v", err)
		}
	})
}

// signupWithHandle signs up a user with the handle acme and returns their JWT.
func signupWithHandle(t *testing.T, base string) string {
	t.Helper()
	creds := gen.Credentials{Email: "owner@example.com", Password: "a long password"}
	call(t, "POST", base+"/v2/auth/signup", "", creds, http.StatusCreated, nil)
	var tok gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", creds, http.StatusOK, &tok)
	call(t, "POST", base+"/v2/handles", tok.AccessToken, gen.HandleCreate{Handle: "acme"}, http.StatusCreated, nil)
	return tok.AccessToken
}
