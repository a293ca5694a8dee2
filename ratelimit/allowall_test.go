package ratelimit_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx/ratelimit"
	"tenx/ratelimit/redistest"
)

// step is what a test checks of one Result; times depend on the backend's
// clock and are checked elsewhere.
type step struct {
	Name      string
	Allowed   bool
	Remaining int
}

func steps(res []ratelimit.Result) []step {
	out := make([]step, len(res))
	for i, r := range res {
		out[i] = step{r.Limit.Name, r.Allowed, r.Remaining}
	}
	return out
}

// TestAllowAll holds both limiters to one contract: budgets are spent in
// order, the first refusal ends the list, and a request refused by a narrow
// budget spends nothing of the wider one behind it.
func TestAllowAll(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		testAllowAll(t, ratelimit.NewMemory(NewClock().Now, 0))
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		r, fallback, client := MustRedis(t)
		var calls redistest.ScriptCalls
		client.AddHook(&calls)
		testAllowAll(t, r)
		if n, _ := calls.Load(); n != 7 {
			t.Errorf("%d script calls for 7 AllowAll calls, want one round trip each", n)
		}
		if n := fallback.calls.Load(); n != 0 {
			t.Errorf("fallback called %d times, want Redis to answer", n)
		}
	})
}

func testAllowAll(t *testing.T, lim ratelimit.Limiter) {
	narrow := ratelimit.Limit{Name: "pat", Rate: 2, Period: time.Hour}
	wide := ratelimit.Limit{Name: "handle", Rate: 3, Period: time.Hour}
	a, b, shared := UniqueKey(t), UniqueKey(t), UniqueKey(t)
	viaA := []ratelimit.Budget{{Key: a, Limit: narrow}, {Key: shared, Limit: wide}}
	viaB := []ratelimit.Budget{{Key: b, Limit: narrow}, {Key: shared, Limit: wide}}

	var got [][]step
	for _, budgets := range [][]ratelimit.Budget{viaA, viaA, viaA, viaB, viaB, viaB} {
		res, err := lim.AllowAll(context.Background(), budgets)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, steps(res))
	}
	want := [][]step{
		{{"pat", true, 1}, {"handle", true, 2}},
		{{"pat", true, 0}, {"handle", true, 1}},
		{{"pat", false, 0}}, // the handle's budget is left alone
		{{"pat", true, 1}, {"handle", true, 0}},
		{{"pat", true, 0}, {"handle", false, 0}},
		{{"pat", false, 0}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllowAll results (-want +got):\n%s", diff)
	}

	// An invalid limit anywhere in the list spends nothing.
	fresh := UniqueKey(t)
	bad := []ratelimit.Budget{{Key: fresh, Limit: narrow}, {Key: fresh, Limit: ratelimit.Limit{Name: "bad"}}}
	if _, err := lim.AllowAll(context.Background(), bad); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("invalid limit: err = %v, want ErrInvalidLimit", err)
	}
	if res, err := lim.AllowAll(context.Background(), nil); err != nil || len(res) != 0 {
		t.Errorf("no budgets: %v, %v; want nothing", res, err)
	}
	if got := MustAllow(t, lim, fresh, narrow).Remaining; got != 1 {
		t.Errorf("after the refused invalid list: remaining %d, want 1 (nothing spent)", got)
	}
}

// BenchmarkRedisAllowAll is the PAT path's two budgets in one round trip,
// against two Allow calls, the way it was done before.
func BenchmarkRedisAllowAll(b *testing.B) {
	if os.Getenv("TENX_TEST_REDIS_URL") == "" {
		b.Skip("TENX_TEST_REDIS_URL not set: skipping Redis")
	}
	r, fallback, _ := MustRedis(b)
	l := ratelimit.Limit{Name: "pat", Rate: 1_000_000, Period: time.Second}
	budgets := []ratelimit.Budget{{Key: UniqueKey(b), Limit: l}, {Key: UniqueKey(b), Limit: l}}
	ctx := context.Background()
	b.Run("one_call", func(b *testing.B) {
		for b.Loop() {
			r.AllowAll(ctx, budgets)
		}
	})
	b.Run("two_calls", func(b *testing.B) {
		for b.Loop() {
			r.Allow(ctx, budgets[0].Key, l)
			r.Allow(ctx, budgets[1].Key, l)
		}
	})
	b.Run("one_call_parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r.AllowAll(ctx, budgets)
			}
		})
	})
	if n := fallback.calls.Load(); n != 0 {
		b.Errorf("fallback called %d times, want Redis to answer", n)
	}
}
