package click_test

import (
	"strings"
	"testing"
	"time"

	"tenx"
	"tenx/click"
	"tenx/clocktest"
)

func TestSigner(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	s := click.NewSigner([]byte("0123456789abcdef0123456789abcdef"), clock.Now)
	ref := tenx.ClickRef{ClickID: "clk_abc", Handle: "acme", Slug: "new-launch"}
	ctx := s.Sign(ref)
	if got, err := s.Verify(ctx); err != nil || got != ref {
		t.Fatalf("verify: %+v %v", got, err)
	}
	other := click.NewSigner([]byte("another key, another key, anothe"), clock.Now)
	forged := []string{
		"", "clk_abc", ctx + "x", strings.Replace(ctx, "acme", "acmf", 1), strings.Replace(ctx, "clk_abc", "clk_abd", 1),
		other.Sign(ref), "a.b.c.d.e.f", strings.Replace(ctx, ".", "", 1),
	}
	for _, f := range forged {
		if _, err := s.Verify(f); tenx.ErrorCode(err) != tenx.EINVALIDCTX {
			t.Errorf("Verify(%q) = %v, want invalid_ctx", f, err)
		}
	}
	clock.Add(click.CtxTTL - time.Second)
	if _, err := s.Verify(ctx); err != nil {
		t.Fatalf("a ctx a second from expiry: %v", err)
	}
	clock.Add(time.Second)
	if _, err := s.Verify(ctx); tenx.ErrorCode(err) != tenx.EINVALIDCTX {
		t.Fatalf("an expired ctx: %v", err)
	}
}
