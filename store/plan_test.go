package store_test

import (
	"sync"
	"testing"

	"tenx"
	"tenx/store/storetest"
)

// TestCountWriteConcurrent: writes racing for the last of a daily quota
// never overshoot it, on both databases.
func TestCountWriteConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		u := mustCreateUser(t, db, "ann@example.com")
		const limit, tries = 10, 25
		var (
			wg sync.WaitGroup
			mu sync.Mutex
			ok int
		)
		for range tries {
			wg.Go(func() {
				_, counted, err := db.CountWrite(t.Context(), u.ID, "2026-11-01", limit)
				if err != nil && tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
					t.Error(err)
				}
				if counted {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		n, err := db.FindUsage(t.Context(), u.ID, "2026-11-01")
		if err != nil || n > limit || ok != n {
			t.Fatalf("%d writes counted, usage %d (%v), limit %d", ok, n, err, limit)
		}
		if n, _ := db.FindUsage(t.Context(), u.ID, "2026-11-02"); n != 0 {
			t.Fatalf("the next day starts at %d", n)
		}
	})
}

// TestApplyStripeEventOnce: an event id applies once; a change for a
// customer nobody pays with, or a user who is gone, is recorded and ignored.
func TestApplyStripeEventOnce(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		u := mustCreateUser(t, db, "ann@example.com")
		ctx := t.Context()
		change := &tenx.PlanChange{UserID: u.ID, CustomerID: "cus_1", Plan: tenx.PlanPro}
		for i, wantDup := range []bool{false, true} {
			dup, err := db.ApplyStripeEvent(ctx, "evt_1", "checkout.session.completed", change)
			if err != nil || dup != wantDup {
				t.Fatalf("delivery %d: duplicate %v, %v", i, dup, err)
			}
		}
		if p, _ := db.FindPlan(ctx, u.ID); p != tenx.PlanPro {
			t.Fatalf("plan %s", p)
		}
		for _, c := range []*tenx.PlanChange{{CustomerID: "cus_unknown", Plan: tenx.PlanFree},
			{UserID: "usr_gone", Plan: tenx.PlanPro}, nil} {
			if _, err := db.ApplyStripeEvent(ctx, "evt_"+tenx.RandomBase62(8), "x", c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ApplyStripeEvent(ctx, "evt_end", "customer.subscription.deleted",
			&tenx.PlanChange{CustomerID: "cus_1", Plan: tenx.PlanFree}); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.FindPlan(ctx, u.ID); p != tenx.PlanFree {
			t.Fatalf("plan after the subscription ended: %s", p)
		}
	})
}
