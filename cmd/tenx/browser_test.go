package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tenx/gen"
)

// chromiumPath is where the Debian package chromium puts the browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserDashboard drives the token dashboard at /app/ in a real
// headless Chromium: a brand-new user signs up and creates a handle, then
// signs in again, picks a handle, creates a token through the scope
// picker, uses its secret from Go, revokes it through the confirmation
// dialog. It saves a screenshot of each state under .ci/out/.
func TestBrowserDashboard(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)

	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	base := srv.URL

	// Through the API: another user's handle.
	const email, password = "ops@example.com", "ops-password-123"
	otherCreds := gen.Credentials{Email: "other@example.com", Password: "other-password-1"}
	call(t, "POST", base+"/v2/auth/signup", "", otherCreds, http.StatusCreated, nil)
	var otherLogin gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", otherCreds, http.StatusOK, &otherLogin)
	call(t, "POST", base+"/v2/handles", otherLogin.AccessToken, gen.HandleCreate{Handle: "other-shop"}, http.StatusCreated, nil)

	b := startBrowser(t, outDir)

	// A brand-new user signs up and creates a handle in the dashboard.
	b.do("open the dashboard", chromedp.Navigate(base+"/app/"), chromedp.WaitVisible(chromedp.ID("signin-form")))
	b.waitJS("focus on the email field", `document.activeElement && document.activeElement.id === "signin-email"`)
	b.shot("dashboard-signin.png")
	b.signUp(string(otherCreds.Email), email, password)
	b.createHandle("other-shop", "ci-home", "CI Home")

	// Through the API: the other user makes the new one a CREATOR on
	// their handle.
	var opsLogin gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", gen.Credentials{Email: email, Password: password}, http.StatusOK, &opsLogin)
	call(t, "PUT", base+"/v2/handles/other-shop/collaborators", otherLogin.AccessToken,
		gen.CollaboratorsReplace{Collaborators: []gen.CollaboratorInput{{UserId: opsLogin.User.Id, Role: "CREATOR"}}},
		http.StatusOK, nil)

	// Sign in again; a wrong password is explained in words first.
	b.do("sign out of the new account", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")))
	b.do("sign in with a wrong password",
		chromedp.SendKeys(chromedp.ID("signin-email"), email),
		chromedp.SendKeys(chromedp.ID("signin-password"), "not-the-password"),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("signin-error")))
	b.wantText("signin-error", "do not match an account")
	b.shot("dashboard-signin-error.png")
	b.do("sign in with the keyboard",
		chromedp.Clear(chromedp.ID("signin-password")),
		chromedp.SendKeys(chromedp.ID("signin-password"), password+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("handle-select")))
	b.wantText("account-email", email)
	b.waitJS("the access token stays out of storage",
		`localStorage.length === 0 && sessionStorage.length === 0 && document.cookie === ""`)

	// A handle where the user is a CREATOR: the refusal is in words.
	b.pickHandle("other-shop")
	b.waitJS("the insufficient_role error", `!document.getElementById("tokens-error").hidden`)
	b.wantText("tokens-error", "OPERATOR or OWNER")
	b.waitJS("no create form for a CREATOR", `document.getElementById("create-section").hidden`)
	b.shot("dashboard-insufficient-role.png")

	// The user's own handle: no tokens yet; create one with the picker.
	b.pickHandle("ci-home")
	b.waitJS("the empty token list", `document.getElementById("tokens-status").textContent.includes("no active API tokens")`)
	b.waitJS("the scope picker", `document.querySelectorAll("#scope-groups fieldset").length >= 11`)
	b.wantText("scope-groups", "List and read links.")
	b.do("create a token",
		chromedp.SendKeys(chromedp.ID("create-name"), "ci-links"),
		chromedp.Click(chromedp.CSS(`#scope-groups input[value="links.read"]`)),
		chromedp.Click(chromedp.CSS(`#scope-groups input[value="analytics.read"]`)),
		chromedp.Click(chromedp.CSS(`#scope-groups input[value="webhooks.*"]`)),
		chromedp.Click(chromedp.ID("create-submit")),
		chromedp.WaitVisible(chromedp.ID("secret-panel")))
	secret := b.run("read the secret", chromedp.Value(chromedp.ID("secret-value")))
	if !strings.HasPrefix(secret, "patv1_") {
		t.Fatalf("secret on the page = %q, want patv1_…", secret)
	}
	b.wantText("secret-panel", "You will not see this again")
	b.waitJS("the new token in the list", `document.querySelectorAll("#tokens-body tr").length === 1`)
	b.do("copy the secret", chromedp.Click(chromedp.ID("secret-copy")))
	b.waitJS("the copy outcome", `document.getElementById("secret-copy-status").textContent !== ""`)
	b.shot("dashboard-secret.png")
	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.waitJS("no sideways scrolling on a phone", `document.documentElement.scrollWidth <= 390`)
	b.shot("dashboard-secret-phone.png")
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))

	// The secret works from Go.
	links := base + "/v2/public/handles/ci-home/links"
	patGet(t, links, secret, http.StatusOK, "")

	// Reload: the session comes back through the refresh cookie, on the
	// handle in the URL, and the token shows its last use.
	b.do("reload the page", chromedp.Reload())
	b.waitJS("the restored token list", `document.querySelectorAll("#tokens-body tr").length === 1`)
	b.waitJS("the secret is gone after a reload", `document.getElementById("secret-panel").hidden`)
	row := b.run("read the token row", chromedp.Text(chromedp.CSS("#tokens-body tr")))
	for _, want := range []string{"ci-links", "links.read"} {
		if !strings.Contains(row, want) {
			t.Errorf("token row %q does not show %q", row, want)
		}
	}
	b.waitJS("last used, created and expiry times",
		`["Created", "Expires", "Last used"].every(l => document.querySelector('#tokens-body td[data-label="' + l + '"] time'))`)
	b.shot("dashboard-tokens.png")

	// A phone: the token list fits 390 px without sideways scrolling.
	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.waitJS("no sideways scrolling on a phone", `document.documentElement.scrollWidth <= 390`)
	b.shot("dashboard-tokens-phone.png")
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))

	// Revoke: Escape cancels the dialog, then confirm.
	b.do("open the revoke dialog", chromedp.Click(chromedp.CSS("#tokens-body button.revoke")))
	b.waitJS("the revoke dialog", `document.getElementById("revoke-dialog").open`)
	b.wantText("revoke-title", "ci-links")
	b.waitJS("focus on Cancel", `document.activeElement && document.activeElement.id === "revoke-cancel"`)
	b.do("cancel with Escape", chromedp.KeyEvent(kb.Escape))
	b.waitJS("the dialog closed", `!document.getElementById("revoke-dialog").open`)
	b.waitJS("focus back on Revoke", `document.activeElement && document.activeElement.classList.contains("revoke")`)
	b.do("open the revoke dialog again", chromedp.Click(chromedp.CSS("#tokens-body button.revoke")))
	b.waitJS("the revoke dialog", `document.getElementById("revoke-dialog").open`)
	b.shotViewport("dashboard-revoke-confirm.png") // the modal covers the viewport
	// Confirm with the keyboard: Tab from Cancel to Revoke, then Enter.
	b.do("tab to the Revoke button", chromedp.KeyEvent(kb.Tab))
	b.waitJS("focus on Revoke", `document.activeElement && document.activeElement.id === "revoke-confirm"`)
	b.do("confirm", chromedp.KeyEvent(kb.Enter))
	b.waitJS("the revoked notice", `document.getElementById("app-notice").textContent.includes("was revoked")`)
	b.waitJS("the emptied list", `document.querySelectorAll("#tokens-body tr").length === 0 &&
		document.getElementById("tokens-status").textContent.includes("no active API tokens")`)
	b.shot("dashboard-revoked.png")
	patGet(t, links, secret, http.StatusUnauthorized, "token_revoked")

	// Sign out ends the session: a reload shows the sign-in form.
	b.do("sign out", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")))
	b.wantText("signin-notice", "signed out")
	b.do("reload after sign-out", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("signin-form")))

	b.checkConsole()
}

// patGet calls url with the personal access token in x-api-key and checks
// the status and, when code is not empty, the error code.
func patGet(t *testing.T, url, pat string, wantStatus int, code string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", pat)
	var e gen.Error
	var out any
	if code != "" {
		out = &e
	}
	do(t, req, wantStatus, out)
	if code != "" && e.Error != code {
		t.Fatalf("GET %s: error %q, want %q", url, e.Error, code)
	}
}

// screenshotDir is <repo>/.ci/out, made if needed; the test runs in cmd/tenx.
func screenshotDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	dir := filepath.Join(root, ".ci", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Only a failure of this run may leave its picture.
	if err := os.Remove(filepath.Join(dir, "dashboard-failure.png")); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return dir
}

// browserTab is one Chromium tab of a test.
type browserTab struct {
	t      *testing.T
	ctx    context.Context // bounded: the whole walk must end in time
	tab    context.Context // the tab itself, for a screenshot after a timeout
	outDir string

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// startBrowser starts a headless Chromium with a fresh profile and opens a
// tab; both end with the test.
func startBrowser(t *testing.T, outDir string) *browserTab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first Do binds the browser's life to its context, so it gets the
	// tab's own context; a timer bounds the start instead.
	guard := time.AfterFunc(hangGuard, cancelTab)
	err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900))
	if !guard.Stop() {
		t.Fatalf("%s did not start within %s", chromiumPath, hangGuard)
	}
	if err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancel)
	b := &browserTab{t: t, ctx: ctx, tab: tab, outDir: outDir}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// do runs actions and fails the test, with a screenshot, on an error.
func (b *browserTab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail(what, err)
	}
}

// run runs one action that returns a string.
func (b *browserTab) run(what string, a chromedp.Action[string]) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return s
}

// waitJS waits until a JavaScript expression is true.
func (b *browserTab) waitJS(what, expr string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		b.fail("wait for "+what, err)
	}
}

// wantText checks that the element with the id shows the text.
func (b *browserTab) wantText(id, want string) {
	b.t.Helper()
	got := b.run("read #"+id, chromedp.TextContent(chromedp.ID(id)))
	if !strings.Contains(got, want) {
		b.fail("check #"+id, fmt.Errorf("text %q does not contain %q", got, want))
	}
}

// pickHandle chooses a handle in the picker as a user would: the change
// event is what the page listens to.
func (b *browserTab) pickHandle(handle string) {
	b.t.Helper()
	b.do("pick "+handle,
		chromedp.SetValue(chromedp.ID("handle-select"), handle),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("handle-select").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.waitJS("the handle "+handle, fmt.Sprintf(`document.getElementById("tokens-handle").textContent === "@%s"`, handle))
}

// shot saves a full-page PNG screenshot.
func (b *browserTab) shot(name string) {
	b.t.Helper()
	b.save(name, fullPage)
}

// fullPage captures the whole page, clipped to the current size of its
// content: a capture beyond the viewport alone can keep the height of a
// longer state the page was in before.
func fullPage(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	if m.CSSContentSize == nil {
		return nil, errors.New("no content size in the layout metrics")
	}
	yes := true
	r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{Width: m.CSSContentSize.Width, Height: m.CSSContentSize.Height, Scale: 1},
		FromSurface:           &yes,
		CaptureBeyondViewport: &yes,
	})
	return r.Data, err
}

// shotViewport saves a PNG screenshot of what the window shows.
func (b *browserTab) shotViewport(name string) {
	b.t.Helper()
	b.save(name, chromedp.CaptureScreenshot())
}

func (b *browserTab) save(name string, capture chromedp.Action[[]byte]) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, capture)
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	path := filepath.Join(b.outDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
	// The capture resizes the page for a moment: let it settle before the
	// next click computes where to press.
	b.do("settle after "+name, chromedp.Evaluate[chromedp.Void](
		`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
}

// fail saves what the page looked like and its console, then fails.
func (b *browserTab) fail(what string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 5*time.Second)
	defer cancel()
	if png, serr := chromedp.Run(ctx, fullPage); serr == nil {
		path := filepath.Join(b.outDir, "dashboard-failure.png")
		if os.WriteFile(path, png, 0o644) == nil {
			b.t.Logf("the page at the failure: %s", path)
		}
	}
	b.logConsole()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("timed out: %w", err)
	}
	b.t.Fatalf("%s: %v", what, err)
}

func (b *browserTab) logConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		b.t.Logf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
	}
}

// checkConsole fails on an uncaught exception or a CSP violation. Failed
// requests the page expects (the 401 of a refresh with no session, the
// 401 of the wrong password, the 403) are only logged by the browser.
func (b *browserTab) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			b.t.Errorf("browser console: %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}
}

// needChromium skips the test when Chromium is missing, and fails it
// under CI, which must run the browser tests.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing, and CI must run the browser test: apt-get install chromium", chromiumPath)
		}
		t.Skipf("%s not found: install it (apt-get install chromium) to run the browser test", chromiumPath)
	}
}

// mustOwn signs up the user of creds on the server at base, signs them
// in and creates handle; it returns their access token.
func mustOwn(t *testing.T, base string, creds gen.Credentials, handle string) string {
	t.Helper()
	call(t, "POST", base+"/v2/auth/signup", "", creds, http.StatusCreated, nil)
	var login gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", creds, http.StatusOK, &login)
	call(t, "POST", base+"/v2/handles", login.AccessToken, gen.HandleCreate{Handle: handle}, http.StatusCreated, nil)
	return login.AccessToken
}

// openSignedIn opens the dashboard at base, signs in with creds through its
// form, and waits for what the page shows next (ready).
func (b *browserTab) openSignedIn(base string, creds gen.Credentials, ready chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do("sign in",
		chromedp.Navigate(base+"/app/"), chromedp.WaitVisible(chromedp.ID("signin-form")),
		chromedp.SendKeys(chromedp.ID("signin-email"), string(creds.Email)),
		chromedp.SendKeys(chromedp.ID("signin-password"), creds.Password+kb.Enter),
		ready)
}
