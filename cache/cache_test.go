package cache_test

import (
	"testing"
	"time"

	"tenx/cache"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestMapExpires(t *testing.T) {
	t.Parallel()
	m := cache.New[string, int](10)
	m.Put("a", 1, t0.Add(time.Second), t0, m.Epoch())
	if v, ok := m.Get("a", t0.Add(999*time.Millisecond)); !ok || v != 1 {
		t.Fatalf("get before the deadline = %d, %v", v, ok)
	}
	if _, ok := m.Get("a", t0.Add(time.Second)); ok {
		t.Fatal("entry served at its deadline")
	}
	if hits, misses := m.Stats(); hits != 1 || misses != 1 {
		t.Fatalf("stats = %d hits, %d misses; want 1, 1", hits, misses)
	}
}

// TestMapPutAfterInvalidation is the race the epoch closes: a value read
// before an invalidation must not be stored after it.
func TestMapPutAfterInvalidation(t *testing.T) {
	t.Parallel()
	for name, invalidate := range map[string]func(m *cache.Map[string, int]){
		"delete":       func(m *cache.Map[string, int]) { m.Delete("a") },
		"delete where": func(m *cache.Map[string, int]) { m.DeleteWhere(func(string, int) bool { return false }) },
		"clear":        func(m *cache.Map[string, int]) { m.Clear() },
	} {
		m := cache.New[string, int](10)
		epoch := m.Epoch()
		invalidate(m)
		if m.Put("a", 1, t0.Add(time.Second), t0, epoch) {
			t.Errorf("%s: a value read before it was stored after it", name)
		}
		if !m.Put("a", 1, t0.Add(time.Second), t0, m.Epoch()) {
			t.Errorf("%s: a fresh value was not stored", name)
		}
	}
}

func TestMapBounded(t *testing.T) {
	t.Parallel()
	m := cache.New[int, int](100)
	for i := range 1000 {
		m.Put(i, i, t0.Add(time.Minute), t0, m.Epoch())
		if m.Len() > 100 {
			t.Fatalf("%d entries, max 100", m.Len())
		}
	}
}
