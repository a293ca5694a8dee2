package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDocsTryItOut opens /docs at 127.0.0.1 while TENX_PUBLIC_URL
// names localhost on a port where nothing listens, and runs "Try it out"
// of GET /healthz: the served spec's relative server keeps the request on
// the page's own origin.
func TestBrowserDocsTryItOut(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	env, _ := sqliteEnv(t)
	env["TENX_PUBLIC_URL"] = "http://localhost:1"
	srv := mustServe(t, env)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("server at %s, want 127.0.0.1", srv.URL)
	}
	b := startBrowser(t, screenshotDir(t))

	const op = "#operations-system-getHealth"
	b.do("open the docs", chromedp.Navigate(srv.URL+"/docs/"), chromedp.WaitVisible(op))
	b.do("expand GET /healthz", chromedp.Click(op+" .opblock-summary-control"), chromedp.WaitVisible(op+" .execute"))
	b.do("execute", chromedp.Click(op+" .execute"))
	b.waitJS("the live response", `(() => {
		const s = document.querySelector("`+op+` .live-responses-table tbody .response-col_status");
		return s !== null && s.textContent.trim().startsWith("200");
	})()`)
	url := b.run("read the request URL", chromedp.TextContent(op+" .request-url pre"))
	if want := srv.URL + "/healthz"; strings.TrimSpace(url) != want {
		t.Errorf("Try it out requested %q, want the page's origin: %q", url, want)
	}
	b.shot("docs-try-it-out.png")
	b.checkConsole()
}
