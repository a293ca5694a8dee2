package store_test

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

func testRule(id string, prio int, enabled bool) *tenx.RoutingRule {
	return &tenx.RoutingRule{RuleID: id, Enabled: enabled, Priority: prio,
		When:    tenx.RuleConditions{CountryIn: []string{"US"}, SourceIn: []string{"t.co"}},
		Variant: tenx.Variant{ID: "v-" + id, DestinationURL: "https://example.com/" + id}}
}

// TestPersonalizationRules: put creates then replaces, lists page in the
// order rules are tried, RoutingRules returns the enabled ones and sees
// every change at once (the cache is invalidated), deletes are audited.
func TestPersonalizationRules(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
		ctx := t.Context()
		for _, r := range []*tenx.RoutingRule{testRule("b", 1, true), testRule("a", 1, true), testRule("c", 0, false)} {
			if created, err := db.PutPersonalizationRule(ctx, "shop", r); err != nil || !created {
				t.Fatalf("put %s: %v %v", r.RuleID, created, err)
			}
		}
		rules, err := db.RoutingRules(ctx, "shop")
		if err != nil || len(rules) != 2 || rules[0].RuleID != "a" || rules[1].RuleID != "b" {
			t.Fatalf("routing rules %+v %v", rules, err)
		}
		if diff := gocmp.Diff(*testRule("a", 1, true), rules[0]); diff != "" {
			t.Fatalf("stored rule (-want +got):\n%s", diff)
		}
		if created, err := db.PutPersonalizationRule(ctx, "shop", testRule("c", 0, true)); err != nil || created {
			t.Fatalf("replace: %v %v", created, err)
		}
		if rules, _ = db.RoutingRules(ctx, "shop"); len(rules) != 3 || rules[0].RuleID != "c" {
			t.Fatalf("after enabling c (the cache must forget): %+v", rules)
		}
		page, next, err := db.FindPersonalizationRules(ctx, tenx.PersonalizationFilter{Handle: "shop", Limit: 2})
		if err != nil || len(page) != 2 || next == "" || page[0].RuleID != "c" {
			t.Fatalf("page 1: %+v %q %v", page, next, err)
		}
		page, next, err = db.FindPersonalizationRules(ctx, tenx.PersonalizationFilter{Handle: "shop", Limit: 2, NextToken: next})
		if err != nil || len(page) != 1 || next != "" || page[0].RuleID != "b" {
			t.Fatalf("page 2: %+v %q %v", page, next, err)
		}
		if err := db.DeletePersonalizationRule(ctx, "shop", "c"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeletePersonalizationRule(ctx, "shop", "c"); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
		if rules, _ = db.RoutingRules(ctx, "shop"); len(rules) != 2 {
			t.Fatalf("after delete: %+v", rules)
		}
		if _, err := db.PutPersonalizationRule(ctx, "nope", testRule("a", 0, true)); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("unknown handle: %v", err)
		}
		events, _, err := db.FindAuditEvents(ctx, tenx.AuditFilter{Handle: "shop"})
		actions := map[string]int{}
		for _, e := range events {
			actions[e.Action]++
		}
		if err != nil || actions["personalization_rule.created"] != 3 || actions["personalization_rule.updated"] != 1 ||
			actions["personalization_rule.deleted"] != 1 {
			t.Fatalf("audit %v %v", actions, err)
		}
	})
}

// TestPersonalizationRuleCap: the 101st rule of a handle is a conflict.
func TestPersonalizationRuleCap(t *testing.T) {
	t.Parallel()
	db, _ := mustOpen(t, storetest.SQLiteURL(t))
	mustCreateHandle(t, db, "shop", mustCreateUser(t, db, "ann@example.com").ID)
	for i := range tenx.MaxPersonalizationRules {
		if _, err := db.PutPersonalizationRule(t.Context(), "shop", testRule(string(rune('A'+i/26))+string(rune('a'+i%26)), i, true)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutPersonalizationRule(t.Context(), "shop", testRule("zzz", 0, true)); tenx.ErrorCode(err) != tenx.ECONFLICT {
		t.Fatalf("past the cap: %v", err)
	}
}
