package auth_test

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"tenx"
	"tenx/auth"
)

// TestHasherBound fills the hasher's slots itself: Hash and Verify then
// answer unavailable with a Retry-After instead of running, and run again
// once a slot is released.
func TestHasherBound(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher().Bound(2, 0)
	hash, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var releases []func()
	for range 2 {
		release, err := h.Reserve()
		if err != nil {
			t.Fatalf("reserve a free slot: %v", err)
		}
		releases = append(releases, release)
	}
	_, err = h.Hash(testPassword)
	checkBusy(t, "Hash", err)
	_, err = h.Verify(hash, testPassword)
	checkBusy(t, "Verify", err)
	_, err = h.Verify("", testPassword) // the absent-account path is bounded too
	checkBusy(t, "Verify absent", err)
	releases[0]()
	if !verifies(t, h, hash, testPassword) {
		t.Fatal("Verify after release = false")
	}
	releases[1]()
}

// TestHasherWaitsForASlot: a hash arriving while the hasher is full waits
// (up to its wait) and runs as soon as a slot frees.
func TestHasherWaitsForASlot(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher().Bound(1, time.Minute)
	release, err := h.Reserve()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := h.Hash(testPassword)
		done <- err
	}()
	release()
	if err := <-done; err != nil {
		t.Fatalf("Hash after a slot freed: %v", err)
	}
}

// TestHasherGivesUpAfterItsWait: the wait is bounded.
func TestHasherGivesUpAfterItsWait(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher().Bound(1, time.Millisecond)
	release, err := h.Reserve()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, err = h.Hash(testPassword)
	checkBusy(t, "Hash", err)
}

// TestDefaultHashConcurrency: one per CPU, fewer under a tight GOMEMLIMIT.
func TestDefaultHashConcurrency(t *testing.T) {
	if n, want := auth.DefaultHashConcurrency(19*1024), runtime.GOMAXPROCS(0); n != want {
		t.Fatalf("DefaultHashConcurrency = %d, want GOMAXPROCS %d", n, want)
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(100 << 20))
	if n := auth.DefaultHashConcurrency(19 * 1024); n != 1 {
		t.Fatalf("DefaultHashConcurrency under a 100 MiB limit = %d, want 1", n)
	}
}

func checkBusy(t *testing.T, what string, err error) {
	t.Helper()
	e, ok := err.(*tenx.Error)
	if !ok || e.Code != tenx.EUNAVAILABLE || e.RetryAfterSeconds < 1 {
		t.Fatalf("%s on a full hasher: %v, want unavailable with a Retry-After", what, err)
	}
}
