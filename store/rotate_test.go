package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

// TestRotateTokenOnce: a token has one successor. Rotating it again, while
// its overlap runs or after, is ECONFLICT and inserts nothing.
func TestRotateTokenOnce(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "old", nil)
		rotate := func(next string) error {
			return db.RotateToken(t.Context(), "shop", "tok_old", newToken("shop", ann.ID, next, nil), clock.Now().Add(time.Hour))
		}
		checkCode(t, rotate("first"), "")
		if got := mustFindToken(t, db, "tok_old").ReplacedBy; got != "tok_first" {
			t.Fatalf("replacedBy = %q, want tok_first", got)
		}
		checkCode(t, rotate("second"), tenx.ECONFLICT)
		clock.Add(2 * time.Hour) // the overlap is over: still replaced, not unknown
		checkCode(t, rotate("third"), tenx.ECONFLICT)
		for _, id := range []string{"tok_second", "tok_third"} {
			_, err := db.FindTokenByID(t.Context(), id)
			checkCode(t, err, tenx.ENOTFOUND)
		}
		checkCode(t, db.RotateToken(t.Context(), "shop", "tok_first", newToken("shop", ann.ID, "fourth", nil),
			clock.Now()), "") // the successor rotates as usual
	})
}

// TestConcurrentRotationsMintOneSuccessor: of rotations of one token
// racing on separate connections, exactly one succeeds and the others are
// ECONFLICT; one successor row exists.
func TestConcurrentRotationsMintOneSuccessor(t *testing.T) {
	t.Parallel()
	const racers = 8
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		mustCreateToken(t, db, "shop", ann.ID, "old", nil)
		codes := make([]string, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i] = tenx.ErrorCode(db.RotateToken(t.Context(), "shop", "tok_old",
					newToken("shop", ann.ID, fmt.Sprint("next", i), nil), clock.Now().Add(time.Hour)))
			}()
		}
		close(start)
		wg.Wait()
		count := map[string]int{}
		for _, c := range codes {
			count[c]++
		}
		if diff := gocmp.Diff(map[string]int{"": 1, tenx.ECONFLICT: racers - 1}, count); diff != "" {
			t.Fatalf("outcomes (-want +got):\n%s", diff)
		}
		checkTokens(t, db, "shop", "tok_old", mustFindToken(t, db, "tok_old").ReplacedBy)
	})
}

// TestTokenWritesRecheckCreatorRole: the server checked OPERATOR+ when the
// request began; if the caller is demoted before the store writes the
// token, the write is EINSUFFICIENTROLE and leaves no token behind, since
// the demotion's revocation of their tokens would not have seen it.
func TestTokenWritesRecheckCreatorRole(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		ann, bob := mustCreateUser(t, db, "ann@example.com"), mustCreateUser(t, db, "bob@example.com")
		mustCreateHandle(t, db, "shop", ann.ID)
		asBob := tenx.NewContextWithPrincipal(t.Context(), &tenx.Principal{UserID: bob.ID, Role: tenx.RoleOperator})
		if _, err := db.ReplaceCollaborators(t.Context(), "shop",
			[]tenx.Collaborator{{UserID: bob.ID, Role: tenx.RoleOperator}}); err != nil {
			t.Fatal(err)
		}
		checkCode(t, db.CreateToken(asBob, newToken("shop", bob.ID, "while-operator", nil)), "")
		mustCreateToken(t, db, "shop", ann.ID, "anns", nil)
		// The middleware let bob through as OPERATOR; now he is demoted.
		if _, err := db.ReplaceCollaborators(t.Context(), "shop",
			[]tenx.Collaborator{{UserID: bob.ID, Role: tenx.RoleCreator}}); err != nil {
			t.Fatal(err)
		}
		checkCode(t, db.CreateToken(asBob, newToken("shop", bob.ID, "escaped", nil)), tenx.EINSUFFICIENTROLE)
		before := mustFindToken(t, db, "tok_anns")
		checkCode(t, db.RotateToken(asBob, "shop", "tok_anns", newToken("shop", bob.ID, "rotated", nil),
			clock.Now()), tenx.EINSUFFICIENTROLE)
		for _, id := range []string{"tok_escaped", "tok_rotated"} {
			_, err := db.FindTokenByID(t.Context(), id)
			checkCode(t, err, tenx.ENOTFOUND)
		}
		if diff := gocmp.Diff(before, mustFindToken(t, db, "tok_anns")); diff != "" {
			t.Errorf("ann's token changed (-before +after):\n%s", diff)
		}
		checkTokens(t, db, "shop", "tok_anns")
	})
}
