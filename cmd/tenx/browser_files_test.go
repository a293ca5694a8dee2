package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tenx/gen"
)

// TestBrowserFilesAndSite drives the files and site sections of the
// dashboard in headless Chromium: upload a file through its signed upload
// URL, copy its public link, delete it; deploy a page, deploy another, see
// which one is live, make the first live again, preview one. Screenshots
// go to .ci/out/.
func TestBrowserFilesAndSite(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)
	env, _ := sqliteEnv(t)
	base := mustServe(t, env).URL
	creds := gen.Credentials{Email: "site@example.com", Password: "site-password-123"}
	mustOwn(t, base, creds, "site-shop")
	upload := filepath.Join(t.TempDir(), "price list.txt")
	if err := os.WriteFile(upload, []byte("apples 3\npears 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, outDir)
	b.openSignedIn(base, creds, chromedp.WaitVisible(chromedp.ID("handle-select")))
	b.pickHandle("site-shop")
	b.waitJS("the empty file list", `document.getElementById("files-status").textContent.includes("No files yet")`)

	b.do("upload a file", chromedp.SetUploadFiles(`#file-input`, []string{upload}), chromedp.Click(chromedp.ID("file-upload")))
	b.waitJS("the uploaded file, READY", `document.querySelector("#files-body .file-status") &&
		document.querySelector("#files-body .file-status").textContent === "READY"`)
	b.wantText("files-body", "price list.txt")
	b.do("copy its link", chromedp.Click(chromedp.CSS(`#files-body .file-copy`)))
	b.waitJS("the public link", `document.getElementById("files-notice").textContent.includes("/v2/public/files/fil_")`)
	notice := b.run("read the link", chromedp.TextContent(chromedp.ID("files-notice")))
	link := notice[strings.Index(notice, "http"):]
	if got := fetchBody(t, link); got != "apples 3\npears 4\n" {
		t.Fatalf("public link %s gave %q", link, got)
	}
	b.shot("dashboard-files.png")
	b.do("delete it",
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#files-body .file-delete`)))
	b.waitJS("the empty file list again", `document.getElementById("files-status").textContent.includes("No files yet")`)

	b.deployPage("<h1>first</h1>", "first page")
	b.deployPage("<h1>second</h1>", "second page")
	if got := fetchBody(t, base+"/s/site-shop/"); got != "<h1>second</h1>" {
		t.Fatalf("live site: %q", got)
	}
	b.waitJS("one live, one not", `[...document.querySelectorAll("#site-body .deployment-status")].map(e => e.textContent).join() === "Live,Not live"`)
	b.do("make the first live again", chromedp.Click(chromedp.CSS(`#site-body .deployment-activate`)))
	b.waitJS("the first, live", `[...document.querySelectorAll("#site-body .deployment-status")].map(e => e.textContent).join() === "Not live,Live"`)
	if got := fetchBody(t, base+"/s/site-shop/"); got != "<h1>first</h1>" {
		t.Fatalf("live site after rollback: %q", got)
	}
	b.do("preview the second", chromedp.Click(chromedp.CSS(`#site-body tr:first-child .deployment-preview`)))
	b.waitJS("the preview link", `!document.getElementById("site-preview").hidden`)
	preview := b.run("read the preview link", chromedp.Evaluate[string](`document.getElementById("site-preview-link").href`))
	if !strings.HasPrefix(preview, base+"/s/_preview/") || fetchBody(t, preview) != "<h1>second</h1>" {
		t.Fatalf("preview %s", preview)
	}
	b.shot("dashboard-site.png")
	b.checkConsole()
}

// deployPage deploys one HTML page from the site section.
func (b *browserTab) deployPage(html, message string) {
	b.t.Helper()
	b.do("deploy "+message,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#site-section details").open = true`),
		emptyField("site-html"), chromedp.SendKeys(chromedp.ID("site-html"), html),
		emptyField("site-message"), chromedp.SendKeys(chromedp.ID("site-message"), message),
		chromedp.Click(chromedp.ID("site-deploy")))
	b.waitJS("the deployment of "+message, `document.getElementById("site-notice").textContent.includes("it is live") &&
		document.getElementById("site-body").textContent.includes(`+"`"+message+"`"+`)`)
}

// fetchBody GETs url and returns its body, failing on another status than 200.
func fetchBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}
