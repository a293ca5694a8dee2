package tenx_test

import (
	"strings"
	"testing"

	"tenx"
)

func TestPageValidate(t *testing.T) {
	ok := tenx.Page{Slug: "about", Title: "About", Content: "# Hi", AccessMode: tenx.PageAccessPublic}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		edit        func(p *tenx.Page)
		code, field string
	}{
		{"bad slug", func(p *tenx.Page) { p.Slug = "a/b" }, tenx.EVALIDATION, "slug"},
		{"no title", func(p *tenx.Page) { p.Title = "" }, tenx.EVALIDATION, "title"},
		{"long description", func(p *tenx.Page) { p.Description = strings.Repeat("é", 501) }, tenx.EVALIDATION, "description"},
		{"long content", func(p *tenx.Page) { p.Content = strings.Repeat("x", 100_001) }, tenx.EVALIDATION, "content"},
		{"paid", func(p *tenx.Page) { p.AccessMode = tenx.PageAccessPaid }, tenx.EUNSUPPORTEDACCESSMODE, "accessMode"},
		{"login", func(p *tenx.Page) { p.AccessMode = tenx.PageAccessFreeWithLogin }, tenx.EUNSUPPORTEDACCESSMODE, "accessMode"},
		{"unknown mode", func(p *tenx.Page) { p.AccessMode = "SECRET" }, tenx.EVALIDATION, "accessMode"},
	} {
		p := ok
		c.edit(&p)
		checkCodeField(t, c.name, p.Validate(), c.code, c.field)
	}
}

func TestParseSiteMode(t *testing.T) {
	for in, want := range map[string]tenx.SiteMode{"PROFILE": tenx.SiteModeProfile, "profile": tenx.SiteModeProfile,
		"LINKTREE": tenx.SiteModeProfile, "LinkTree": tenx.SiteModeProfile, "site": tenx.SiteModeSite, " SITE ": tenx.SiteModeSite} {
		if got, err := tenx.ParseSiteMode(in); err != nil || got != want {
			t.Errorf("ParseSiteMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "blog", "PROFILES", "linktree!"} {
		_, err := tenx.ParseSiteMode(in)
		checkCodeField(t, in, err, tenx.EVALIDATION, "mode")
		if !strings.Contains(tenx.ErrorMessage(err), "PROFILE, SITE or LINKTREE") {
			t.Errorf("%q: message %q does not list the modes", in, tenx.ErrorMessage(err))
		}
	}
}

func TestCampaignStatusMoves(t *testing.T) {
	d, a, p := tenx.CampaignDraft, tenx.CampaignActive, tenx.CampaignPaused
	for _, m := range []struct {
		from, to tenx.CampaignStatus
		ok       bool
	}{
		{d, a, true}, {a, p, true}, {p, a, true}, {d, d, true}, {a, a, true},
		{d, p, false}, {a, d, false}, {p, d, false}, {a, "DONE", false},
	} {
		if got := m.from.CanMove(m.to); got != m.ok {
			t.Errorf("%s -> %s: %v, want %v", m.from, m.to, got, m.ok)
		}
	}
}

func TestCampaignHealth(t *testing.T) {
	c := &tenx.Campaign{ID: "spring", PrimarySlug: "buy-now", PublishedVersion: 2}
	link := &tenx.Link{Slug: "buy-now", Enabled: true, ClickCount: 3}
	statuses := func(checks []tenx.HealthCheck) string {
		var out []string
		for _, ch := range checks {
			if ch.Reason == "" {
				t.Errorf("check %s has no reason", ch.Name)
			}
			out = append(out, ch.Name+"="+string(ch.Status))
		}
		return strings.Join(out, " ")
	}
	if got := statuses(tenx.CampaignHealth(c, link)); got != "primary_link=PASS structure_published=PASS has_clicks=PASS" {
		t.Errorf("healthy campaign: %s", got)
	}
	disabled := *link
	disabled.Enabled, disabled.ClickCount = false, 0
	if got := statuses(tenx.CampaignHealth(c, &disabled)); got != "primary_link=FAIL structure_published=PASS has_clicks=FAIL" {
		t.Errorf("disabled link: %s", got)
	}
	bare := &tenx.Campaign{ID: "bare"}
	if got := statuses(tenx.CampaignHealth(bare, nil)); got != "primary_link=FAIL structure_published=FAIL has_clicks=FAIL" {
		t.Errorf("bare campaign: %s", got)
	}
}

func TestProfileValidate(t *testing.T) {
	p := tenx.Profile{DisplayName: "Shop", AvatarURL: "https://example.com/a.png"}
	if err := p.Validate(); err != nil || p.Theme != tenx.ThemeAuto {
		t.Fatalf("%+v, %v", p, err)
	}
	for _, c := range []struct {
		name  string
		p     tenx.Profile
		field string
	}{
		{"script avatar", tenx.Profile{AvatarURL: "javascript:alert(1)"}, "avatarUrl"},
		{"relative avatar", tenx.Profile{AvatarURL: "/a.png"}, "avatarUrl"},
		{"long bio", tenx.Profile{Bio: strings.Repeat("b", 1001)}, "bio"},
		{"long name", tenx.Profile{DisplayName: strings.Repeat("n", 101)}, "displayName"},
		{"odd theme", tenx.Profile{Theme: "<b>"}, "theme"},
	} {
		checkCodeField(t, c.name, c.p.Validate(), tenx.EVALIDATION, c.field)
	}
}

// checkCodeField fails unless err has the code and names the field.
func checkCodeField(t *testing.T, name string, err error, code, field string) {
	t.Helper()
	e, ok := err.(*tenx.Error)
	if !ok || e.Code != code || e.Field != field {
		t.Errorf("%s: %v, want %s on %s", name, err, code, field)
	}
}
