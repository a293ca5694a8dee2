package main

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tenx/gen"
)

// TestBrowserRouting drives the routing pages of the dashboard in
// Chromium: add two routing rules to a link, preview a visit that matches
// the second (it wins, and the first says why it did not match), create
// and delete a personalization rule, refuse a tracking template with a bad
// config, create it with a good one, and see the 409 when deleting it
// while a link uses it; a CREATOR is told that writing rules needs the
// OPERATOR role. Screenshots go to .ci/out/.
func TestBrowserRouting(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	needChromium(t)
	outDir := screenshotDir(t)
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	base := srv.URL
	creds := gen.Credentials{Email: "routing@example.com", Password: "routing-password-1"}
	token := mustOwn(t, base, creds, "ci-route")
	links := base + "/v2/handles/ci-route/links/"
	call(t, "PUT", links+"launch", token, map[string]any{"destinationUrl": "https://example.com/launch"}, http.StatusCreated, nil)

	b := startBrowser(t, outDir)
	b.openSignedIn(base, creds, chromedp.WaitVisible(chromedp.CSS(`#links-body tr[data-slug="launch"] button.routing`)))

	b.do("open the link's routing", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.routing`)))
	b.waitJS("no rules yet", `document.getElementById("routing-status").textContent.includes("No routing rules")`)
	addRule := func(id, priority, countries, devices, dest string) {
		b.do("add rule "+id,
			chromedp.SendKeys(chromedp.ID("routing-rule-id"), id),
			chromedp.SetValue(chromedp.ID("routing-priority"), priority),
			chromedp.SendKeys(chromedp.ID("routing-countries"), countries),
			chromedp.SendKeys(chromedp.ID("routing-devices"), devices),
			chromedp.SendKeys(chromedp.ID("routing-destination"), dest),
			chromedp.Click(chromedp.ID("routing-add")))
		b.waitJS("rule "+id+" listed", `!!document.querySelector('#routing-body tr[data-rule="`+id+`"]')`)
	}
	addRule("germany", "0", "DE", "", "https://example.com/de")
	addRule("us-mobile", "5", "US", "mobile", "https://example.com/us")
	b.wantText("routing-body", "country is US, and device is MOBILE")
	var saved gen.Link
	call(t, "GET", links+"launch", token, nil, http.StatusOK, &saved)
	if len(saved.RoutingRules) != 2 || saved.RoutingRules[1].RuleId != "us-mobile" {
		t.Fatalf("stored routing rules %+v", saved.RoutingRules)
	}

	b.do("preview a visit from a phone in the US",
		chromedp.SendKeys(chromedp.ID("preview-country"), "us"),
		chromedp.SetValue(chromedp.ID("preview-device"), "MOBILE"),
		chromedp.Click(chromedp.ID("preview-submit")))
	b.waitJS("us-mobile wins", `document.getElementById("preview-winner")?.textContent.includes("us-mobile, to https://example.com/us")`)
	b.waitJS("why germany did not match", `document.querySelector('#preview-misses li[data-rule="germany"]')?.textContent.includes("did not match")`)
	b.shot("routing-preview.png")
	b.do("scroll to the preview", chromedp.ScrollIntoView(chromedp.ID("preview-result")))
	b.shotViewport("routing-preview-viewport.png")

	b.do("a bad device",
		chromedp.SendKeys(chromedp.ID("routing-rule-id"), "watch"),
		chromedp.SendKeys(chromedp.ID("routing-devices"), "WATCH"),
		chromedp.SendKeys(chromedp.ID("routing-destination"), "https://example.com/w"),
		chromedp.Click(chromedp.ID("routing-add")))
	b.waitJS("the refusal", `!document.getElementById("routing-error").hidden`)
	b.wantText("routing-error", "validation_error")

	b.do("edit germany", chromedp.Click(chromedp.CSS(`#routing-body tr[data-rule="germany"] button.edit`)))
	b.waitJS("germany in the form", `document.getElementById("routing-rule-id").value === "germany" &&
		document.getElementById("routing-countries").value === "DE" && document.getElementById("routing-devices").value === "" &&
		document.activeElement.id === "routing-rule-id"`)
	b.do("send germany elsewhere",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("routing-destination").value = ""`),
		chromedp.SendKeys(chromedp.ID("routing-destination"), "https://example.com/de-2"),
		chromedp.Click(chromedp.ID("routing-add")))
	b.waitJS("germany's new destination", `document.querySelector('#routing-body tr[data-rule="germany"]')?.textContent.includes("https://example.com/de-2")`)
	b.do("scroll to the rules", chromedp.ScrollIntoView(chromedp.ID("routing-table")))
	b.shotViewport("routing-rules-viewport.png")
	call(t, "GET", links+"launch", token, nil, http.StatusOK, &saved)
	if len(saved.RoutingRules) != 2 || saved.RoutingRules[0].RuleId != "germany" ||
		saved.RoutingRules[0].Variant.DestinationUrl != "https://example.com/de-2" {
		t.Fatalf("stored routing rules after the edit %+v", saved.RoutingRules)
	}

	b.do("create a personalization rule",
		chromedp.SendKeys(chromedp.ID("rules-rule-id"), "france"),
		chromedp.SendKeys(chromedp.ID("rules-countries"), "FR"),
		chromedp.SendKeys(chromedp.ID("rules-destination"), "https://example.com/fr"),
		chromedp.Click(chromedp.ID("rules-save")))
	b.waitJS("the rule listed", `!!document.querySelector('#rules-body tr[data-rule="france"]')`)
	b.do("edit it", chromedp.Click(chromedp.CSS(`#rules-body tr[data-rule="france"] button.edit`)))
	b.waitJS("france in the form", `document.getElementById("rules-rule-id").value === "france" &&
		document.getElementById("rules-countries").value === "FR" && document.getElementById("rules-enabled").checked`)
	b.do("disable it and send it elsewhere",
		chromedp.Click(chromedp.ID("rules-enabled")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("rules-destination").value = ""`),
		chromedp.SendKeys(chromedp.ID("rules-destination"), "https://example.com/fr-2"),
		chromedp.Click(chromedp.ID("rules-save")))
	b.waitJS("the edited rule", `(() => { const tr = document.querySelector('#rules-body tr[data-rule="france"]');
		return !!tr && tr.textContent.includes("https://example.com/fr-2") && tr.textContent.includes("(disabled)"); })()`)
	b.shot("routing-personalization.png")
	b.do("delete it", chromedp.Click(chromedp.CSS(`#rules-body tr[data-rule="france"] button.delete`)))
	b.waitJS("the rule gone", `document.getElementById("rules-status").textContent.includes("no personalization rules")`)

	b.do("a template with a bad pixel id",
		chromedp.SendKeys(chromedp.ID("templates-name"), "Shop pixel"),
		chromedp.SendKeys(chromedp.ID("templates-config-pixelId"), "abc"),
		chromedp.SendKeys(chromedp.ID("templates-config-eventName"), "Purchase"),
		chromedp.Click(chromedp.ID("templates-create")))
	b.waitJS("the refusal", `!document.getElementById("templates-error").hidden`)
	b.wantText("templates-error", "pixelId")
	b.wantText("templates-error", "validation_error")
	b.shot("routing-template-error.png")
	b.do("fix the pixel id",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("templates-config-pixelId").value = ""`),
		chromedp.SendKeys(chromedp.ID("templates-config-pixelId"), "1234567"),
		chromedp.Click(chromedp.ID("templates-create")))
	b.waitJS("the template listed", `document.getElementById("templates-body").textContent.includes("Shop pixel")`)

	var list gen.TrackingTemplateList
	call(t, "GET", base+"/v2/handles/ci-route/tracking-templates", token, nil, http.StatusOK, &list)
	if len(list.TrackingTemplates) != 1 {
		t.Fatalf("templates %+v", list.TrackingTemplates)
	}
	// The link form offers the template: put it on the link there.
	tid := list.TrackingTemplates[0].TemplateId
	b.do("edit the link", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.edit`)))
	box := `#link-templates-list input[value="` + tid + `"]`
	b.waitJS("the template offered", `!document.getElementById("link-templates").hidden && document.querySelector('`+box+`')?.checked === false`)
	b.do("choose it", chromedp.Click(chromedp.CSS(box)), chromedp.ScrollIntoView(chromedp.ID("link-templates")))
	b.shotViewport("links-template-choice.png")
	b.do("save the link", chromedp.Click(chromedp.ID("link-submit")))
	b.waitJS("the form reset", `document.getElementById("link-submit").textContent === "Create link" && !document.querySelector('`+box+`').checked`)
	call(t, "GET", links+"launch", token, nil, http.StatusOK, &saved)
	if len(saved.TrackingTemplateIds) != 1 || saved.TrackingTemplateIds[0] != tid || len(saved.RoutingRules) != 2 {
		t.Fatalf("the link after choosing the template: templates %v, %d routing rules", saved.TrackingTemplateIds, len(saved.RoutingRules))
	}
	b.do("edit it again", chromedp.Click(chromedp.CSS(`#links-body tr[data-slug="launch"] button.edit`)))
	b.waitJS("the template checked", `document.querySelector('`+box+`')?.checked === true`)
	b.do("cancel", chromedp.Click(chromedp.ID("link-cancel")))
	b.do("delete the template in use", chromedp.Click(chromedp.CSS(`#templates-body button.delete`)))
	b.waitJS("the conflict", `!document.getElementById("templates-error").hidden`)
	b.wantText("templates-error", "conflict")
	b.wantText("templates-error", "take it off the link first")
	b.shot("routing-template-conflict.png")

	// A CREATOR reads the rules but cannot write them, and is told why.
	creator := gen.Credentials{Email: "creator@example.com", Password: "creator-password-1"}
	call(t, "POST", base+"/v2/auth/signup", "", creator, http.StatusCreated, nil)
	var creatorLogin gen.AccessToken
	call(t, "POST", base+"/v2/auth/login", "", creator, http.StatusOK, &creatorLogin)
	call(t, "PUT", base+"/v2/handles/ci-route/collaborators", token,
		gen.CollaboratorsReplace{Collaborators: []gen.CollaboratorInput{{UserId: creatorLogin.User.Id, Role: "CREATOR"}}},
		http.StatusOK, nil)
	b.do("sign in as the CREATOR",
		chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("signin-form").reset()`),
		chromedp.SendKeys(chromedp.ID("signin-email"), string(creator.Email)),
		chromedp.SendKeys(chromedp.ID("signin-password"), creator.Password+kb.Enter))
	b.waitJS("signed in as the CREATOR", `document.getElementById("account-email").textContent === "creator@example.com" &&
		!document.getElementById("links-panel").hidden`)
	b.waitJS("the rules read", `document.getElementById("rules-status").textContent.includes("no personalization rules")`)
	b.do("a CREATOR saves a rule",
		chromedp.SendKeys(chromedp.ID("rules-rule-id"), "spain"),
		chromedp.SendKeys(chromedp.ID("rules-destination"), "https://example.com/es"),
		chromedp.Click(chromedp.ID("rules-save")))
	b.waitJS("the refusal", `!document.getElementById("rules-error").hidden`)
	b.wantText("rules-error", "needs the OPERATOR or OWNER role")
	b.wantText("rules-error", "insufficient_role")
	b.checkConsole()
}
