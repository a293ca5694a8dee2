package tenx_test

import (
	"testing"

	"tenx"
)

// TestDomainRoute: longest prefix on whole segments, then lowest priority;
// the prefix is taken off; no rule means the default handle.
func TestDomainRoute(t *testing.T) {
	d := tenx.Domain{DefaultHandle: "home", PathRules: []tenx.PathRule{
		{PathPrefix: "/shop", Handle: "shop-b", Priority: 200},
		{PathPrefix: "/shop", Handle: "shop-a", Priority: 100},
		{PathPrefix: "/shop/deep", Handle: "deep", Priority: 900},
	}}
	for path, want := range map[string][2]string{
		"/launch":           {"home", "/launch"},
		"/shopping":         {"home", "/shopping"},
		"/shop":             {"shop-a", "/"},
		"/shop/launch":      {"shop-a", "/launch"},
		"/shop/deep/launch": {"deep", "/launch"},
		"/":                 {"home", "/"},
	} {
		if h, rest := d.Route(path); h != want[0] || rest != want[1] {
			t.Errorf("Route(%q) = %s %s, want %s %s", path, h, rest, want[0], want[1])
		}
	}
	if got := d.Handles(); len(got) != 4 {
		t.Errorf("Handles() = %v", got)
	}
}

func TestDomainChecks(t *testing.T) {
	d := tenx.Domain{Name: "links.example.com", TXTValue: "tenx-verify=abc"}
	if d.TXTName() != "_tenx-challenge.links.example.com" || d.CheckTXT([]string{"x", " tenx-verify=abc "}) != "" ||
		d.CheckTXT(nil) == "" || d.CheckTXT([]string{"tenx-verify=abd"}) == "" {
		t.Fatal("TXT checks")
	}
	for name, want := range map[string]bool{"links.example.com": true, "a.bc": true, "localhost": false,
		"1.2.3.4": false, "UP.example.com": false, "a..b.com": false, "-a.example.com": false} {
		if tenx.ValidDomainName(name) != want {
			t.Errorf("ValidDomainName(%q) != %v", name, want)
		}
	}
	bad := [][]tenx.PathRule{
		{{PathPrefix: "shop", Handle: "acme"}},
		{{PathPrefix: "/shop", Handle: "No"}},
		{{PathPrefix: "/shop", Handle: "acme", Priority: -1}},
		{{PathPrefix: "/a", Handle: "acme"}, {PathPrefix: "/a", Handle: "beta"}},
	}
	for _, rules := range bad {
		if tenx.ErrorCode(tenx.ValidatePathRules(rules)) != tenx.EVALIDATION {
			t.Errorf("%+v accepted", rules)
		}
	}
	if err := tenx.ValidatePathRules([]tenx.PathRule{{PathPrefix: "/a", Handle: "acme"}, {PathPrefix: "/a", Handle: "beta", Priority: 1}}); err != nil {
		t.Error(err)
	}
}

func TestPlans(t *testing.T) {
	if !tenx.PlanEnterprise.AtLeast(tenx.PlanPro) || tenx.PlanFree.AtLeast(tenx.PlanPro) || tenx.Plan("GOLD").Valid() {
		t.Fatal("plan order")
	}
	if len(tenx.PlanFree.Features()) != 0 || len(tenx.PlanPro.Features()) != 1 {
		t.Fatal("features")
	}
	e := tenx.ErrFeatureLocked(tenx.PlanFree, tenx.FeatureCustomDomains)
	if e.Code != tenx.EFEATURELOCKED || e.RequiredPlan != "PRO" || e.Feature != "custom_domains" {
		t.Fatalf("%+v", e)
	}
}
