package server_test

import (
	"net/http"
	"testing"

	"tenx/store/storetest"
)

// TestRotationHasOneSuccessor: racing rotations of one token answer one
// 201 and otherwise 409 conflict, on both databases; rotating the old token
// again is 409 too, while its successor rotates as usual.
func TestRotationHasOneSuccessor(t *testing.T) {
	const racers = 6
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		old := e.MustCreatePAT(t, owner, "acme", "links.read")
		rotate := request{method: "POST", path: "/v2/handles/acme/tokens/" + tokenID(old) + "/rotate",
			token: owner.Token, body: `{"overlapSeconds":3600}`}
		reqs := make([]request, racers)
		for i := range reqs {
			reqs[i] = rotate
		}
		count := map[answer]int{}
		for _, a := range e.concurrently(reqs) {
			count[a]++
		}
		if count[answer{http.StatusCreated, ""}] != 1 || count[answer{http.StatusConflict, "conflict"}] != racers-1 {
			t.Fatalf("answers %v, want one 201 and %d 409 conflict", count, racers-1)
		}
		mustError(t, e.do(rotate), http.StatusConflict, "conflict")
		list := decode[struct{ Tokens []struct{ TokenID string } }](t,
			e.do(request{method: "GET", path: "/v2/handles/acme/tokens", token: owner.Token}))
		if len(list.Tokens) != 2 {
			t.Fatalf("active tokens %+v, want the old one (overlap) and one successor", list.Tokens)
		}
		for _, tok := range list.Tokens {
			if tok.TokenID != tokenID(old) {
				mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/tokens/" + tok.TokenID + "/rotate",
					token: owner.Token, body: `{}`}), http.StatusCreated)
			}
		}
	})
}
