package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

// TestAuditTrailOfARecreatedHandle: delete handle gamma, someone else
// creates gamma, and its audit trail must not show the first owner's user
// id, addresses or token ids: the trail belongs to the handle's id, not to
// its name.
func TestAuditTrailOfARecreatedHandle(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		first := e.MustSignup(t, "first@example.com")
		e.MustCreateHandle(t, first, "gamma")
		old := e.MustCreatePAT(t, first, "gamma", "links.read")
		e.MustRevokePAT(t, first, "gamma", old)
		mustStatus(t, e.do(request{method: "DELETE", path: "/v2/handles/gamma", token: first.Token}), http.StatusNoContent)

		e.clock.Add(time.Second)
		second := e.MustSignup(t, "second@example.com")
		e.MustCreateHandle(t, second, "gamma")
		pat := e.MustCreatePAT(t, second, "gamma", "links.read")
		rec := e.do(request{method: "GET", path: "/v2/handles/gamma/audit-events", token: second.Token})
		mustStatus(t, rec, http.StatusOK)
		if body := rec.Body.String(); strings.Contains(body, first.ID) || strings.Contains(body, tokenID(old)) {
			t.Fatalf("the new gamma's trail shows the old owner's: %s", body)
		}
		got := decode[struct {
			Events []struct{ Action, TargetID string }
		}](t, rec)
		if len(got.Events) != 1 || got.Events[0].Action != "token.created" || got.Events[0].TargetID != tokenID(pat) {
			t.Fatalf("events %+v, want only the new owner's token.created", got.Events)
		}
	})
}
