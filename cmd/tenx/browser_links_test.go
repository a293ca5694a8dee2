package main

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/gen"
)

// TestBrowserLinks drives the Links page and the analytics view of the
// dashboard in Chromium: create a link, visit it from outside, see its
// click count, the clicks-per-day chart and the top devices, for the
// handle and for the link; then edit it, disable it (its short URL stops
// working) and copy its short URL. Screenshots go to .ci/out/.
func TestBrowserLinks(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	base := srv.URL
	creds := gen.Credentials{Email: "links@example.com", Password: "links-password-1"}
	mustOwn(t, base, creds, "ci-links")

	b := startBrowser(t, outDir)
	b.openSignedIn(base, creds, chromedp.WaitVisible(chromedp.ID("links-panel")))
	b.waitJS("the empty link list", `document.getElementById("links-status").textContent.includes("no links yet")`)
	b.waitJS("the empty chart", `document.querySelectorAll("#analytics-chart rect.bar").length === 31`)

	b.do("create a link",
		chromedp.SendKeys(chromedp.ID("link-slug"), "launch"),
		chromedp.SendKeys(chromedp.ID("link-destination"), "https://example.com/launch"),
		chromedp.SendKeys(chromedp.ID("link-title"), "Launch"),
		chromedp.Click(chromedp.ID("link-submit")))
	b.waitJS("the new link in the list", `document.querySelector('#links-body tr[data-slug="launch"] .clicks')?.textContent === "0"`)
	b.shot("links-created.png")

	// Visits from outside: two from a phone, one from a chat app's preview bot.
	visit := func(ua string, want int) {
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/ci-links/launch", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", ua)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("visit: %d, want %d", resp.StatusCode, want)
		}
	}
	const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	visit(phone, http.StatusFound)
	visit(phone, http.StatusFound)
	visit("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", http.StatusFound)

	// The click writer stores them within about a second: reload until
	// the page shows them (at most every 300ms).
	b.waitJS("the clicks counted", `(() => {
		if (document.querySelector('#links-body tr[data-slug="launch"] .clicks')?.textContent === "3" &&
			document.querySelector('#analytics-totals dd[data-total="Clicks"]')?.textContent === "3") return true;
		if (!window.lastReload || Date.now() - window.lastReload > 300) {
			window.lastReload = Date.now();
			document.getElementById("links-reload").click();
		}
		return false;
	})()`)
	b.waitJS("today's bar", `[...document.querySelectorAll("#analytics-chart rect.bar")].some(r => r.dataset.clicks === "3")`)
	b.wantText("analytics-totals", "Bot clicks")
	b.wantText("top-device", "Mobile")
	b.wantText("top-device", "Bot")
	b.waitJS("human clicks and visitors", `document.querySelector('#analytics-totals dd[data-total="Human clicks"]').textContent === "2" &&
		document.querySelector('#analytics-totals dd[data-total="Visitors"]').textContent === "1"`)
	b.shot("links-analytics.png")

	// The link's own analytics.
	b.do("open the link's analytics", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.stats`)))
	b.waitJS("the link's analytics", `document.getElementById("analytics-scope").textContent === "/ci-links/launch" &&
		document.querySelector('#analytics-totals dd[data-total="Clicks"]')?.textContent === "3"`)
	b.shot("links-analytics-link.png")
	b.do("back to the handle", chromedp.Click(chromedp.ID("analytics-all")))
	b.waitJS("the handle's analytics", `document.getElementById("analytics-scope").textContent === "@ci-links"`)

	// Edit, then disable: the short URL stops working.
	b.do("edit the link", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.edit`)))
	b.waitJS("the edit form", `document.getElementById("link-slug").readOnly && document.getElementById("link-slug").value === "launch"`)
	b.do("change the destination",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("link-destination").value = ""`),
		chromedp.SendKeys(chromedp.ID("link-destination"), "https://example.com/v2"),
		chromedp.Click(chromedp.ID("link-submit")))
	b.waitJS("the new destination", `document.querySelector('#links-body tr[data-slug="launch"] .dest')?.textContent === "https://example.com/v2"`)
	b.do("disable the link", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.toggle`)))
	b.waitJS("the link disabled", `document.querySelector('#links-body tr[data-slug="launch"] .chip')?.textContent === "Disabled"`)
	visit(phone, http.StatusNotFound)
	b.do("copy the short URL", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.copy`)))
	b.waitJS("the copy outcome", `document.getElementById("links-copy-status").textContent.includes("/ci-links/launch")`)
	b.shot("links-disabled.png")

	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.waitJS("no sideways scrolling on a phone", `document.documentElement.scrollWidth <= 390`)
	b.shot("links-phone.png")
	b.checkConsole()
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{Timeout: hangGuard,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
