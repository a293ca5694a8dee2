package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx/ratelimit"
)

// perMinute10Burst3 emits one request every 6s and allows 3 at once.
var perMinute10Burst3 = ratelimit.Limit{Name: "pat", Rate: 10, Period: time.Minute, Burst: 3}

func TestMemory_AllowsBurstThenDenies(t *testing.T) {
	clock := NewClock()
	m := ratelimit.NewMemory(clock.Now, 0)
	l := perMinute10Burst3

	var got []ratelimit.Result
	for range 5 {
		got = append(got, MustAllow(t, m, "k", l))
	}
	want := []ratelimit.Result{
		{Allowed: true, Limit: l, Remaining: 2, ResetAfter: 6 * time.Second},
		{Allowed: true, Limit: l, Remaining: 1, ResetAfter: 12 * time.Second},
		{Allowed: true, Limit: l, Remaining: 0, ResetAfter: 18 * time.Second},
		{Allowed: false, Limit: l, Remaining: 0, ResetAfter: 18 * time.Second, RetryAfter: 6 * time.Second},
		{Allowed: false, Limit: l, Remaining: 0, ResetAfter: 18 * time.Second, RetryAfter: 6 * time.Second},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func TestMemory_BurstDefaultsToRate(t *testing.T) {
	m := ratelimit.NewMemory(NewClock().Now, 0)
	l := ratelimit.Limit{Name: "pat", Rate: 5, Period: time.Minute}

	got := Allowed(t, m, "k", l, 6)
	want := []bool{true, true, true, true, true, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("allowed (-want +got):\n%s", diff)
	}
	if got := MustAllow(t, m, "k", l).Limit.Burst; got != 5 {
		t.Errorf("Result.Limit.Burst = %d, want 5", got)
	}
}

func TestMemory_RetryAfterAndRefill(t *testing.T) {
	clock := NewClock()
	m := ratelimit.NewMemory(clock.Now, 0)
	l := perMinute10Burst3
	Allowed(t, m, "k", l, 3)

	clock.Add(2 * time.Second)
	denied := MustAllow(t, m, "k", l)
	if denied.Allowed || denied.RetryAfter != 4*time.Second {
		t.Fatalf("after 2s: got %+v, want denied with RetryAfter 4s", denied)
	}

	// Waiting exactly RetryAfter earns exactly one request.
	clock.Add(denied.RetryAfter)
	if got, want := Allowed(t, m, "k", l, 2), []bool{true, false}; !cmp.Equal(got, want) {
		t.Fatalf("after RetryAfter: allowed %v, want %v", got, want)
	}

	// Waiting ResetAfter restores the whole burst.
	clock.Add(MustAllow(t, m, "k", l).ResetAfter)
	if got, want := Allowed(t, m, "k", l, 4), []bool{true, true, true, false}; !cmp.Equal(got, want) {
		t.Fatalf("after ResetAfter: allowed %v, want %v", got, want)
	}
}

func TestMemory_KeysAndPoliciesIndependent(t *testing.T) {
	m := ratelimit.NewMemory(NewClock().Now, 0)
	l := perMinute10Burst3
	other := l
	other.Name = "handle"

	Allowed(t, m, "a", l, 3)
	if MustAllow(t, m, "a", l).Allowed {
		t.Fatal("key a: allowed past its burst")
	}
	if !MustAllow(t, m, "b", l).Allowed {
		t.Error("key b: denied because key a is exhausted")
	}
	if !MustAllow(t, m, "a", other).Allowed {
		t.Error("key a under another policy: denied because policy pat is exhausted")
	}
}

func TestMemory_InvalidLimit(t *testing.T) {
	m := ratelimit.NewMemory(nil, 0)
	for _, l := range []ratelimit.Limit{
		{Name: "zero rate", Period: time.Second},
		{Name: "zero period", Rate: 1},
		{Name: "negative burst", Rate: 1, Period: time.Second, Burst: -1},
	} {
		if _, err := m.Allow(context.Background(), "k", l); !errors.Is(err, ratelimit.ErrInvalidLimit) {
			t.Errorf("%s: err = %v, want ErrInvalidLimit", l.Name, err)
		}
	}
}

func TestMemory_EvictsIdleKeys(t *testing.T) {
	clock := NewClock()
	m := ratelimit.NewMemory(clock.Now, 1000)
	l := ratelimit.Limit{Name: "pat", Rate: 1, Period: time.Second}
	for i := range 100 {
		MustAllow(t, m, fmt.Sprint("idle", i), l)
	}
	if got := m.Len(); got != 100 {
		t.Fatalf("Len = %d, want 100", got)
	}

	// Every TAT passed long ago; the next use after the sweep interval drops
	// them all.
	clock.Add(2 * time.Minute)
	MustAllow(t, m, "fresh", l)
	if got := m.Len(); got != 1 {
		t.Errorf("Len after idle period = %d, want 1", got)
	}
}

func TestMemory_MaxKeysEvictsExpiredFirst(t *testing.T) {
	clock := NewClock()
	m := ratelimit.NewMemory(clock.Now, 3)
	short := ratelimit.Limit{Name: "short", Rate: 1, Period: time.Second}
	long := ratelimit.Limit{Name: "long", Rate: 1, Period: time.Hour}

	MustAllow(t, m, "a", long)
	MustAllow(t, m, "b", long)
	MustAllow(t, m, "c", short)
	// c is idle but not yet swept: the sweep interval has not passed.
	clock.Add(2 * time.Second)
	MustAllow(t, m, "d", long)

	if got := m.Len(); got != 3 {
		t.Errorf("Len = %d, want 3", got)
	}
	for _, k := range []string{"a", "b", "d"} {
		if MustAllow(t, m, k, long).Allowed {
			t.Errorf("key %s: allowed again, so its state was evicted instead of the idle key", k)
		}
	}
}

func TestMemory_MaxKeysEvictsOldest(t *testing.T) {
	clock := NewClock()
	const maxKeys = 10
	m := ratelimit.NewMemory(clock.Now, maxKeys)
	l := ratelimit.Limit{Name: "pat", Rate: 1, Period: time.Hour}

	for i := range 3 * maxKeys {
		MustAllow(t, m, fmt.Sprint("k", i), l)
		if got := m.Len(); got > maxKeys {
			t.Fatalf("after %d keys: Len = %d, want <= %d", i+1, got, maxKeys)
		}
		clock.Add(time.Millisecond) // order the TATs
	}

	// The newest keys are still limited; the oldest were forgotten.
	if MustAllow(t, m, fmt.Sprint("k", 3*maxKeys-1), l).Allowed {
		t.Error("newest key: allowed again, want its state kept")
	}
	if !MustAllow(t, m, "k0", l).Allowed {
		t.Error("oldest key: denied, want it evicted")
	}
}

func TestMemory_MaxKeysSharded(t *testing.T) {
	// Large enough to be split over many shards.
	const maxKeys = 1 << 16
	m := ratelimit.NewMemory(NewClock().Now, maxKeys)
	l := ratelimit.Limit{Name: "pat", Rate: 1, Period: time.Hour}
	for i := range 2 * maxKeys {
		MustAllow(t, m, fmt.Sprint("k", i), l)
	}
	got := m.Len()
	if got > maxKeys {
		t.Errorf("Len = %d, want <= %d", got, maxKeys)
	}
	// Uneven hashing wastes some of each shard's share, but not much.
	if got < maxKeys*9/10 {
		t.Errorf("Len = %d, want most of %d used", got, maxKeys)
	}
}

func TestMemory_Concurrent(t *testing.T) {
	m := ratelimit.NewMemory(NewClock().Now, 1000)
	l := ratelimit.Limit{Name: "pat", Rate: 100, Period: time.Hour}

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 50 {
		wg.Go(func() {
			for i := range 20 {
				// Half the traffic shares one key, half churns through many.
				if MustAllow(t, m, "shared", l).Allowed {
					allowed.Add(1)
				}
				MustAllow(t, m, fmt.Sprint(g, "-", i), l)
			}
		})
	}
	wg.Wait()

	if got := allowed.Load(); got != 100 {
		t.Errorf("shared key: %d allowed, want exactly the burst of 100", got)
	}
	if got := m.Len(); got > 1000 {
		t.Errorf("Len = %d, want <= 1000", got)
	}
}

func BenchmarkMemoryAllow(b *testing.B) {
	l := ratelimit.Limit{Name: "pat", Rate: 1_000_000, Period: time.Second}
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = fmt.Sprint("handle/token/203.0.113.", i)
	}
	churn := make([]string, 4*ratelimit.DefaultMaxKeys)
	for i := range churn {
		churn[i] = fmt.Sprint("churn/", i)
	}
	ctx := context.Background()

	run := func(b *testing.B, keys []string, l ratelimit.Limit) {
		m := ratelimit.NewMemory(nil, 0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			m.Allow(ctx, keys[i%len(keys)], l)
			i++
		}
	}
	runParallel := func(b *testing.B, keys []string) {
		m := ratelimit.NewMemory(nil, 0)
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := int(next.Add(7919))
			for pb.Next() {
				m.Allow(ctx, keys[i%len(keys)], l)
				i++
			}
		})
	}
	b.Run("single_key", func(b *testing.B) { run(b, keys[:1], l) })
	b.Run("many_keys", func(b *testing.B) { run(b, keys, l) })
	// Distinct keys far beyond the cap with long-lived state: every insert
	// evicts, the worst case for a flood of new keys.
	b.Run("over_cap", func(b *testing.B) {
		run(b, churn, ratelimit.Limit{Name: "pat", Rate: 1, Period: time.Hour})
	})
	b.Run("single_key_parallel", func(b *testing.B) { runParallel(b, keys[:1]) })
	b.Run("many_keys_parallel", func(b *testing.B) { runParallel(b, keys) })
}
