package store_test

import (
	"strconv"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// TestCountLimitsPerHandle: a handle holds at most MaxTrackingTemplates
// templates and MaxFunctionBindings bindings; the one past is ECONFLICT
// and stores nothing, and another handle is not limited by them. An
// unknown handle is ENOTFOUND.
func TestCountLimitsPerHandle(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ctx := t.Context()
		owner := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", owner.ID)
		mustCreateHandle(t, db, "other", owner.ID)
		template := func(handle string, i int) *tenx.TrackingTemplate {
			return &tenx.TrackingTemplate{Handle: handle, TemplateKey: "custom_webhook", Name: "t" + strconv.Itoa(i),
				Config: map[string]string{"url": "https://hooks.example.com/"}}
		}
		binding := func(handle string, i int) *tenx.FunctionBinding {
			return &tenx.FunctionBinding{Handle: handle, Key: "fn-" + strconv.Itoa(i), TargetURL: "https://fn.example.com/",
				RequiredScope: "links.read"}
		}
		for i := range tenx.MaxTrackingTemplates {
			if err := db.CreateTrackingTemplate(ctx, template("shop", i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range tenx.MaxFunctionBindings {
			if err := db.CreateFunctionBinding(ctx, binding("shop", i)); err != nil {
				t.Fatal(err)
			}
		}
		checkCode(t, db.CreateTrackingTemplate(ctx, template("shop", -1)), tenx.ECONFLICT)
		checkCode(t, db.CreateFunctionBinding(ctx, binding("shop", -1)), tenx.ECONFLICT)
		for table, want := range map[string]int{"tracking_templates": tenx.MaxTrackingTemplates,
			"function_bindings": tenx.MaxFunctionBindings} {
			if n, err := db.CountRows(ctx, table); err != nil || n != want {
				t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
			}
		}
		if err := db.CreateTrackingTemplate(ctx, template("other", 0)); err != nil {
			t.Errorf("another handle's template: %v", err)
		}
		if err := db.CreateFunctionBinding(ctx, binding("other", 0)); err != nil {
			t.Errorf("another handle's binding: %v", err)
		}
		checkCode(t, db.CreateTrackingTemplate(ctx, template("nobody", 0)), tenx.ENOTFOUND)
		checkCode(t, db.CreateFunctionBinding(ctx, binding("nobody", 0)), tenx.ENOTFOUND)
	})
}
