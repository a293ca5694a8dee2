package dnscheck_test

import (
	"net"
	"slices"
	"testing"

	"tenx"
	"tenx/dnscheck"
	"tenx/dnscheck/dnstest"
)

// TestLookupTXT resolves against a real DNS server on loopback: a record
// with two values, a name with none, and a server failure.
func TestLookupTXT(t *testing.T) {
	srv := dnstest.MustStart(t)
	srv.SetTXT("_tenx-challenge.links.example.com", "tenx-verify=abc", "other")
	srv.Break("_tenx-challenge.broken.example.com")
	r := dnscheck.New(srv.Addr)

	got, err := r.LookupTXT(t.Context(), "_tenx-challenge.links.example.com")
	if err != nil || !slices.Equal(got, []string{"tenx-verify=abc", "other"}) {
		t.Fatalf("LookupTXT = %q, %v", got, err)
	}
	got, err = r.LookupTXT(t.Context(), "_tenx-challenge.missing.example.com")
	if err != nil || len(got) != 0 {
		t.Fatalf("missing name: %q, %v, want none and no error", got, err)
	}
	_, err = r.LookupTXT(t.Context(), "_tenx-challenge.broken.example.com")
	if tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Fatalf("SERVFAIL: %v, want unavailable", err)
	}
}

// TestLookupTXTNoServer: a resolver nobody listens on is unavailable.
func TestLookupTXTNoServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	if _, err := dnscheck.New(addr).LookupTXT(t.Context(), "_tenx-challenge.x.example.com"); tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Fatalf("got %v, want unavailable", err)
	}
}

func TestValidAddr(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:53": true, "1.1.1.1": true, "[::1]:5353": true,
		"dns.example.com": true, "": false, "127.0.0.1:": false, "a b": false} {
		if got := dnscheck.ValidAddr(addr); got != want {
			t.Errorf("ValidAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}
