package store_test

import (
	"encoding/json"
	"slices"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

func TestSiteStructureVersions(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		c := &tenx.Campaign{Handle: "shop", ID: "spring", GoalType: tenx.GoalNewsletter, Status: tenx.CampaignDraft}
		if err := db.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		checkCode(t, db.CreateCampaign(ctx, c), tenx.ECONFLICT)
		doc := json.RawMessage(`{"title":"v"}`)
		ptr := func(n int) *int { return &n }
		_, err := db.PutSiteStructure(ctx, "shop", "spring", doc, ptr(1))
		checkCode(t, err, tenx.EPRECONDITIONFAILED) // no version 1 yet
		if st, err := db.PutSiteStructure(ctx, "shop", "spring", doc, nil); err != nil || st.Version != 1 {
			t.Fatalf("first put %+v, %v", st, err)
		}
		_, err = db.PutSiteStructure(ctx, "shop", "spring", doc, nil)
		checkCode(t, err, tenx.EPRECONDITIONREQUIRED)
		_, err = db.PutSiteStructure(ctx, "shop", "spring", doc, ptr(0))
		checkCode(t, err, tenx.EPRECONDITIONFAILED)
		if st, err := db.PutSiteStructure(ctx, "shop", "spring", json.RawMessage(`{"title":"v2"}`), ptr(1)); err != nil || st.Version != 2 {
			t.Fatalf("second put %+v, %v", st, err)
		}
		_, err = db.PutSiteStructure(ctx, "shop", "nope", doc, nil)
		checkCode(t, err, tenx.ENOTFOUND)
		if st, err := db.FindSiteStructure(ctx, "shop", "spring", 0); err != nil || st.Version != 2 || string(st.Document) != `{"title":"v2"}` {
			t.Fatalf("latest %+v, %v", st, err)
		}
		_, err = db.FindSiteStructure(ctx, "shop", "spring", 3)
		checkCode(t, err, tenx.ENOTFOUND)
		_, err = db.PublishSiteStructure(ctx, "shop", "spring", 3)
		checkCode(t, err, tenx.ENOTFOUND)
		_, err = db.PublishSiteStructure(ctx, "shop", "nope", 1)
		checkCode(t, err, tenx.ENOTFOUND)
		if c, err := db.PublishSiteStructure(ctx, "shop", "spring", 1); err != nil || c.PublishedVersion != 1 || c.LatestVersion != 2 {
			t.Fatalf("published %+v, %v", c, err)
		}
		paused := tenx.CampaignPaused
		_, err = db.UpdateCampaign(ctx, "shop", "spring", tenx.CampaignUpdate{Status: &paused})
		checkCode(t, err, tenx.ECONFLICT)
		want := []string{"campaign.created", "campaign.published", "campaign.structure_saved", "campaign.structure_saved"}
		if got := auditActions(t, db, "shop"); !slices.Equal(got, want) {
			t.Fatalf("audit %v, want %v", got, want)
		}
	})
}
