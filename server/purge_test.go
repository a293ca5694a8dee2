package server_test

import (
	"net/http"
	"testing"
	"time"

	"tenx"
	"tenx/purge"
	"tenx/store/storetest"
)

// TestPurgeKeepsLastDeployments: the purge job keeps each handle's newest
// deployments and the live one, removes the others' objects and rows, and
// finishes a pass that a crash interrupted; on both databases, with the
// test clock.
func TestPurgeKeepsLastDeployments(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		var ids []string
		for i := range 5 {
			e.clock.Add(time.Minute)
			ids = append(ids, e.MustDeployInline(t, owner, "acme", "<p>"+itoa(i)+"</p>"))
		}
		// Roll back to the oldest: it is live, so it stays.
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/site-deployments/" + ids[0] + "/activate",
			token: owner.Token}), http.StatusOK)

		// A pass that crashed after marking ids[1] for removal...
		if _, err := e.db.FindSurplusDeployments(t.Context(), 3, 1); err != nil {
			t.Fatal(err)
		}
		mustError(t, e.do(request{method: "GET", path: "/v2/handles/acme/site-deployments/" + ids[1], token: owner.Token}), 404, "not_found")
		// ...is finished by the next one, which also keeps only two.
		p := purge.New(purge.Config{KeepDeployments: 2, Now: e.clock.Now}, e.db, e.app.Blobs)
		if n, err := p.RunOnce(t.Context()); err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want 2", n, err)
		}
		for i, want := range []int{200, 404, 404, 200, 200} {
			rec := e.do(request{method: "GET", path: "/v2/handles/acme/site-deployments/" + ids[i], token: owner.Token})
			if rec.Code != want {
				t.Errorf("deployment %d: %d, want %d", i, rec.Code, want)
			}
			_, err := e.app.Blobs.Size(t.Context(), tenx.DeploymentObjectKey("acme", ids[i], "index.html"))
			if gone := tenx.ErrorCode(err) == tenx.ENOTFOUND; gone != (want == 404) {
				t.Errorf("deployment %d: object gone %v, err %v", i, gone, err)
			}
		}
		if rec := get(e, "/s/acme/", nil); rec.Body.String() != "<p>0</p>" {
			t.Errorf("live after purge: %q", rec.Body.String())
		}
		if n, err := p.RunOnce(t.Context()); err != nil || n != 0 {
			t.Fatalf("second pass purged %d, %v", n, err)
		}
	})
}
