package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/gen"
)

// xssProbe is a JavaScript expression that is true when nothing planted by
// the payloads below ran on the page and nothing that could run is left in
// it: no script element, no inline event handler, no javascript: link.
const xssProbe = `window.__xss === undefined && document.scripts.length === 0 &&
	document.querySelector("[onerror],[onload],[onclick],[onmouseover],iframe,object,embed") === null &&
	![...document.querySelectorAll("a")].some(a => a.protocol === "javascript:")`

// payload is text that sets window.__xss to what if any script of it runs.
func payload(what string) string {
	return `<script>window.__xss="` + what + `"</script><img src=x onerror="window.__xss='` + what + `'">`
}

// TestBrowserPagesAndProfile drives the dashboard's content sections in a
// real headless Chromium: the profile and site mode, a page edited in
// Markdown with a preview and published, a campaign created, moved and
// checked; then it opens the published page and the link-in-bio page and
// proves that no script planted in Markdown, titles, the bio or link
// titles ran, and that the link-in-bio page fits a phone. Screenshots go
// to .ci/out/.
func TestBrowserPagesAndProfile(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	base := srv.URL

	const email, password = "creator@example.com", "creator-password-1"
	creds := gen.Credentials{Email: email, Password: password}
	call(t, "POST", base+"/v2/auth/signup", "", creds, http.StatusCreated, nil)
	var login gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", creds, http.StatusOK, &login)
	jwt := login.AccessToken
	call(t, "POST", base+"/v2/handles", jwt, gen.HandleCreate{Handle: "shop"}, http.StatusCreated, nil)
	for slug, title := range map[string]string{"launch": "Launch " + payload("link-title"), "newsletter": "Newsletter"} {
		call(t, "PUT", base+"/v2/handles/shop/links/"+slug, jwt,
			gen.LinkInput{DestinationUrl: "https://example.com/" + slug, Title: &title}, http.StatusCreated, nil)
	}

	b := startBrowser(t, outDir)
	b.do("sign in",
		chromedp.Navigate(base+"/app/"),
		chromedp.WaitVisible(chromedp.ID("signin-form")),
		chromedp.SendKeys(chromedp.ID("signin-email"), email),
		chromedp.SendKeys(chromedp.ID("signin-password"), password),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("content-panel")))
	b.waitJS("the default profile", `document.querySelector('input[name="site-mode"][value="PROFILE"]').checked`)
	b.wantText("site-link", "/s/shop/")

	b.do("fill the profile",
		// SetValue, not SendKeys: typing long payloads key by key takes
		// most of the walk's time budget.
		chromedp.SetValue(chromedp.ID("profile-display"), "Shop "+payload("name")),
		chromedp.SetValue(chromedp.ID("profile-bio"), "We sell things. "+payload("bio")),
		chromedp.SetValue(chromedp.ID("profile-theme"), "DARK"),
		chromedp.Click(chromedp.ID("profile-submit")))
	b.waitJS("the profile saved", `document.getElementById("profile-status").textContent === "Profile saved."`)

	b.editPage()
	b.createCampaign()
	b.shot("content-dashboard.png")

	// The published page and the link-in-bio page: nothing ran.
	b.do("open the published page", chromedp.Navigate(base+"/p/shop/launch-day"), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.waitJS("no script ran on the page", xssProbe)
	b.waitJS("the Markdown rendered", `document.querySelector("article strong").textContent === "bold"`)
	b.waitJS("the title shown as text", `document.querySelector("h1").textContent.includes("<script>")`)
	b.shot("page-published.png")
	b.do("open the link-in-bio page", chromedp.Navigate(base+"/s/shop/"), chromedp.WaitVisible(chromedp.CSS(".links")))
	b.waitJS("no script ran on the profile", xssProbe)
	b.waitJS("both links, as text", `document.querySelectorAll(".links a").length === 2 &&
		document.querySelector(".links a").textContent.includes("<img")`)
	b.waitJS("the dark theme", `document.body.classList.contains("theme-dark")`)
	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.waitJS("no sideways scrolling on a phone", `document.documentElement.scrollWidth <= 390`)
	b.shot("profile-phone.png")
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))

	// SITE mode: nothing is deployed, so /s/shop/ has nothing to show.
	b.do("back to the dashboard", chromedp.Navigate(base+"/app/#shop"), chromedp.WaitVisible(chromedp.ID("content-panel")))
	b.waitJS("the profile loaded", `document.getElementById("site-link").textContent.endsWith("/s/shop/")`)
	b.do("choose SITE", chromedp.Click(chromedp.CSS(`input[name="site-mode"][value="SITE"]`)))
	b.waitJS("the site mode saved", `document.getElementById("profile-status").textContent.includes("deployed site")`)
	var mode gen.Profile
	call(t, "GET", base+"/v2/handles/shop/profile", jwt, nil, http.StatusOK, &mode)
	if mode.SiteMode != "SITE" {
		t.Fatalf("site mode %s after choosing SITE", mode.SiteMode)
	}
	call(t, "GET", base+"/s/shop/", "", nil, http.StatusNotFound, nil)
	b.checkConsole()
}

// editPage writes a page with script in its title and Markdown, previews
// it in the sandboxed frame, saves a draft and publishes it.
func (b *browserTab) editPage() {
	b.t.Helper()
	b.do("write a page",
		chromedp.SendKeys(chromedp.ID("page-slug"), "launch-day"),
		chromedp.SetValue(chromedp.ID("page-title"), "Launch "+payload("title")),
		chromedp.SetValue(chromedp.ID("page-content"), "# Launch\n\nIt is **bold**.\n\n"+payload("markdown")+
			"\n\n[click me](javascript:window.__xss='href')\n"),
		chromedp.Click(chromedp.ID("page-preview-button")))
	b.waitJS("the preview", `!document.getElementById("page-preview").hidden &&
		document.getElementById("page-preview").srcdoc.includes("<strong>bold</strong>")`)
	srcdoc := b.run("read the preview", chromedp.Evaluate[string](`document.getElementById("page-preview").srcdoc`))
	if strings.Contains(srcdoc, "<script") || strings.Contains(srcdoc, "onerror") || strings.Contains(srcdoc, "javascript:") {
		b.t.Fatalf("the preview carries script: %s", srcdoc)
	}
	b.waitJS("no script ran in the dashboard", `window.__xss === undefined`)
	b.do("save a draft", chromedp.Click(chromedp.ID("page-save")))
	b.waitJS("the draft in the list", `document.getElementById("pages-list").textContent.includes("Draft")`)
	b.do("publish", chromedp.Click(chromedp.ID("page-publish")))
	b.waitJS("the page published", `document.getElementById("page-status").textContent.includes("/p/shop/launch-day")`)
	b.waitJS("published in the list", `document.getElementById("pages-list").textContent.includes("Published")`)
}

// createCampaign creates a campaign on the link "launch", activates it and
// shows its health.
func (b *browserTab) createCampaign() {
	b.t.Helper()
	b.do("create a campaign",
		chromedp.SendKeys(chromedp.ID("campaign-id"), "spring-sale"),
		chromedp.SetValue(chromedp.ID("campaign-goal"), "PRODUCT_SALE"),
		chromedp.SendKeys(chromedp.ID("campaign-slug"), "launch"),
		chromedp.Click(chromedp.ID("campaign-submit")))
	b.waitJS("the campaign in the list", `document.querySelector('#campaigns-body tr[data-campaign="spring-sale"]') !== null`)
	b.do("activate it",
		chromedp.SetValue(chromedp.CSS(`#campaigns-body tr[data-campaign="spring-sale"] select`), "ACTIVE"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#campaigns-body tr[data-campaign="spring-sale"] select').dispatchEvent(new Event("change"))`))
	b.waitJS("the campaign active", `(() => {
		const s = document.querySelector('#campaigns-body tr[data-campaign="spring-sale"] select');
		return s !== null && s.value === "ACTIVE" && [...s.options].map(o => o.value).join() === "ACTIVE,PAUSED";
	})()`)
	// Found and clicked in one step: the list may render again after the
	// status change, replacing the row between a lookup and a click.
	b.do("check its health", chromedp.Evaluate[chromedp.Void](
		`document.querySelector('#campaigns-body tr[data-campaign="spring-sale"] button').click()`))
	b.waitJS("three checks", `document.querySelectorAll("#campaign-health li").length === 3 &&
		document.querySelector('#campaign-health li[data-check="primary_link"]').dataset.status === "PASS" &&
		document.querySelector('#campaign-health li[data-check="structure_published"]').dataset.status === "FAIL"`)
}
