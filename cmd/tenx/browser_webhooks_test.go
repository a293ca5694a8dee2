package main

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/gen"
)

// TestBrowserWebhooks drives the webhooks section of the dashboard in
// headless Chromium against a real receiver: subscribe with the event
// picker (the secret is shown once, and signs what arrives), send a test
// event that the receiver refuses, see the failed delivery with its
// answer, deliver it again once the receiver accepts, disable and delete
// the subscription. Screenshots go to .ci/out/.
func TestBrowserWebhooks(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)
	env, _ := sqliteEnv(t)
	env["TENX_WEBHOOK_ALLOW_HTTP"], env["TENX_WEBHOOK_ALLOW_PRIVATE"] = "true", "true"
	base := mustServe(t, env).URL
	creds := gen.Credentials{Email: "hooks@example.com", Password: "hooks-password-123"}
	mustOwn(t, base, creds, "hook-shop")

	recv := newHookReceiver(t)
	var accept atomic.Bool
	verifying := recv.Config.Handler
	recv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !accept.Load() {
			w.WriteHeader(http.StatusGone)
			w.Write([]byte("endpoint retired"))
			return
		}
		verifying.ServeHTTP(w, r)
	})

	b := startBrowser(t, outDir)
	b.openSignedIn(base, creds, chromedp.WaitVisible(chromedp.ID("handle-select")))
	b.pickHandle("hook-shop")
	b.waitJS("the empty webhook list", `document.getElementById("webhooks-status").textContent.includes("No webhooks yet")`)

	b.do("subscribe to webhook.test",
		chromedp.SendKeys(chromedp.ID("webhook-url"), recv.URL+"/tenx"),
		chromedp.Click(chromedp.CSS(`#webhook-events input[value="webhook.test"]`)),
		chromedp.Click(chromedp.ID("webhook-create")))
	b.waitJS("the secret, once", `!document.getElementById("webhook-secret-box").hidden &&
		document.getElementById("webhook-secret").textContent.startsWith("whsec_")`)
	secret := b.run("read the secret", chromedp.TextContent(chromedp.ID("webhook-secret")))
	recv.mu.Lock()
	recv.secret = secret
	recv.mu.Unlock()
	b.wantText("webhooks-body", recv.URL+"/tenx")
	b.wantText("webhooks-body", "webhook.test")

	b.do("send a test event", chromedp.Click(chromedp.CSS(`#webhooks-body .webhook-test`)))
	b.waitJS("the failed delivery with its answer", `document.querySelector("#deliveries-body .delivery-status") &&
		document.querySelector("#deliveries-body .delivery-status").textContent === "FAILED" &&
		document.getElementById("deliveries-body").textContent.includes("HTTP 410") &&
		document.getElementById("deliveries-body").textContent.includes("endpoint retired")`)
	b.shot("dashboard-webhooks.png")

	accept.Store(true)
	b.do("redeliver", chromedp.Click(chromedp.CSS(`#deliveries-body .delivery-redeliver`)))
	b.waitJS("the delivery, succeeded", `document.querySelector("#deliveries-body .delivery-status") &&
		document.querySelector("#deliveries-body .delivery-status").textContent === "SUCCEEDED"`)
	recv.mu.Lock()
	verified, bad := len(recv.verified), recv.bad
	recv.mu.Unlock()
	if verified != 1 || bad != 0 {
		t.Fatalf("the receiver verified %d events, %d bad signatures", verified, bad)
	}

	b.do("disable", chromedp.Click(chromedp.CSS(`#webhooks-body .webhook-toggle`)))
	b.waitJS("disabled", `document.querySelector("#webhooks-body .webhook-status").textContent === "Disabled"`)
	b.do("a test of a disabled webhook", chromedp.Click(chromedp.CSS(`#webhooks-body .webhook-test`)))
	b.waitJS("says why not", `document.getElementById("webhooks-error").textContent.includes("disabled")`)
	b.do("delete",
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#webhooks-body .webhook-delete`)))
	b.waitJS("the empty list again", `document.getElementById("webhooks-status").textContent.includes("No webhooks yet")`)
	b.checkConsole()
}
