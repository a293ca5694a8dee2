package invalidate_test

import (
	"testing"
	"time"

	"tenx/invalidate"
)

func TestPayloadRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range []invalidate.Event{
		{Kind: invalidate.Token, Key: "tok_1"},
		{Kind: invalidate.Link, Key: invalidate.LinkKey("acme", "a:b-c")},
		{Kind: invalidate.All},
	} {
		got, ok := invalidate.Parse(e.String())
		if !ok || got != e {
			t.Errorf("Parse(%q) = %v, %v; want %v", e.String(), got, ok, e)
		}
	}
	for _, bad := range []string{"", "token", "nope:x"} {
		if _, ok := invalidate.Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if h, s := invalidate.SplitLinkKey(invalidate.LinkKey("acme", "a:b-c")); h != "acme" || s != "a:b-c" {
		t.Errorf("SplitLinkKey = %q, %q", h, s)
	}
}

// TestBusHealth: a shared bus trusts entries for the short TTL until it is
// healthy, and forgets everything on every change of health.
func TestBusHealth(t *testing.T) {
	t.Parallel()
	var none *invalidate.Bus
	if none.Healthy() || none.TTL(time.Second) != time.Second {
		t.Fatal("a nil bus must use the short TTL")
	}
	none.Publish(invalidate.Event{Kind: invalidate.All}) // no panic
	// Another process on the same SQLite file (the CLI) is heard by no
	// one, so a local bus never trusts entries past the short TTL.
	if b := invalidate.NewLocal(); b.Healthy() || b.TTL(time.Second) != time.Second {
		t.Fatal("a local bus must use the short TTL")
	}
	b := invalidate.NewShared()
	var got []invalidate.Event
	b.Subscribe(func(e invalidate.Event) { got = append(got, e) })
	if b.Healthy() || b.TTL(time.Second) != time.Second {
		t.Fatal("a shared bus without a listener must use the short TTL")
	}
	b.SetHealthy(true)
	b.SetHealthy(true)
	b.SetHealthy(false)
	if len(got) != 2 || got[0].Kind != invalidate.All || got[1].Kind != invalidate.All {
		t.Fatalf("events on health changes = %v, want two All", got)
	}
	b.Publish(invalidate.Event{Kind: invalidate.Token, Key: "x"})
	if published, _ := b.Stats(); published != 1 || len(got) != 3 {
		t.Fatalf("published %d, delivered %d; want 1, 3", published, len(got))
	}
}

// TestListenDatabaseDown: a listener whose database cannot be reached does
// not hold up the start, and its bus stays unhealthy (short TTL).
func TestListenDatabaseDown(t *testing.T) {
	t.Parallel()
	b := invalidate.NewShared()
	li := invalidate.Listen("postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=1", nil, "ch", b, nil)
	time.Sleep(50 * time.Millisecond) // let it try
	if b.Healthy() || b.TTL(time.Second) != time.Second {
		t.Fatal("a bus whose listener cannot connect must use the short TTL")
	}
	_ = li.Close()
	if b.Healthy() {
		t.Fatal("a closed listener's bus is healthy")
	}
}
