package store_test

import (
	"slices"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

func TestProfiles(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		p, err := db.FindProfile(ctx, "shop")
		if err != nil || p.DisplayName != "Display shop" || p.SiteMode != tenx.SiteModeProfile || p.Theme != tenx.ThemeAuto || !p.UpdatedAt.IsZero() {
			t.Fatalf("default %+v, %v", p, err)
		}
		_, err = db.FindProfile(ctx, "nope")
		checkCode(t, err, tenx.ENOTFOUND)
		if p, err = db.SetSiteMode(ctx, "shop", tenx.SiteModeSite); err != nil || p.SiteMode != tenx.SiteModeSite || p.DisplayName != "Display shop" {
			t.Fatalf("site mode %+v, %v", p, err)
		}
		upd := &tenx.Profile{Handle: "shop", DisplayName: "Shop", Bio: "bio", Theme: tenx.ThemeDark}
		if err := db.UpdateProfile(ctx, upd); err != nil || upd.SiteMode != tenx.SiteModeSite || upd.Bio != "bio" {
			t.Fatalf("updated %+v, %v", upd, err)
		}
		checkCode(t, db.UpdateProfile(ctx, &tenx.Profile{Handle: "nope", Theme: tenx.ThemeAuto}), tenx.ENOTFOUND)
		_, err = db.SetSiteMode(ctx, "nope", tenx.SiteModeSite)
		checkCode(t, err, tenx.ENOTFOUND)
		if got := auditActions(t, db, "shop"); !slices.Equal(got, []string{"profile.updated", "site_mode.changed"}) {
			t.Fatalf("audit %v", got)
		}
	})
}
