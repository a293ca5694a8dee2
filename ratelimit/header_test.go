package ratelimit_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx/ratelimit"
)

func TestResult_Headers(t *testing.T) {
	pat := ratelimit.Limit{Name: "pat", Rate: 100, Period: time.Minute, Burst: 100}
	tests := []struct {
		name string
		res  ratelimit.Result
		want [3]any // PolicyHeader, Header, RetryAfterSeconds
	}{
		{
			name: "allowed",
			res:  ratelimit.Result{Allowed: true, Limit: pat, Remaining: 42, ResetAfter: 18 * time.Second},
			want: [3]any{`"pat";q=100;w=60`, `"pat";r=42;t=18`, 0},
		},
		{
			name: "seconds round up",
			res:  ratelimit.Result{Allowed: true, Limit: pat, Remaining: 99, ResetAfter: 600 * time.Millisecond},
			want: [3]any{`"pat";q=100;w=60`, `"pat";r=99;t=1`, 0},
		},
		{
			name: "denied",
			res:  ratelimit.Result{Limit: pat, ResetAfter: time.Minute, RetryAfter: 1200 * time.Millisecond},
			want: [3]any{`"pat";q=100;w=60`, `"pat";r=0;t=60`, 2},
		},
		{
			name: "denied retry at least one second",
			res:  ratelimit.Result{Limit: pat, ResetAfter: time.Minute, RetryAfter: 0},
			want: [3]any{`"pat";q=100;w=60`, `"pat";r=0;t=60`, 1},
		},
		{
			// 10 per minute with bursts of 20: a full burst takes 2 minutes
			// to refill, so that is the window advertised for the quota.
			name: "burst above rate",
			res: ratelimit.Result{Allowed: true, Remaining: 19, ResetAfter: 6 * time.Second,
				Limit: ratelimit.Limit{Name: "handle", Rate: 10, Period: time.Minute, Burst: 20}},
			want: [3]any{`"handle";q=20;w=120`, `"handle";r=19;t=6`, 0},
		},
		{
			name: "sub-second window",
			res: ratelimit.Result{Allowed: true, Remaining: 4,
				Limit: ratelimit.Limit{Name: "fast", Rate: 50, Period: time.Second, Burst: 5}},
			want: [3]any{`"fast";q=5;w=1`, `"fast";r=4;t=0`, 0},
		},
		{
			name: "name escaped as a structured-field string",
			res: ratelimit.Result{Allowed: true, Remaining: 1, ResetAfter: time.Second,
				Limit: ratelimit.Limit{Name: "a\"b\\c\né", Rate: 2, Period: time.Second, Burst: 2}},
			want: [3]any{`"a\"b\\c";q=2;w=1`, `"a\"b\\c";r=1;t=1`, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [3]any{tt.res.PolicyHeader(), tt.res.Header(), tt.res.RetryAfterSeconds()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PolicyHeader, Header, RetryAfterSeconds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResult_HeadersFromMemory ties the helpers to real limiter output.
func TestResult_HeadersFromMemory(t *testing.T) {
	m := ratelimit.NewMemory(NewClock().Now, 0)
	l := ratelimit.Limit{Name: "pat", Rate: 100, Period: time.Minute}
	var res ratelimit.Result
	for range 101 {
		res = MustAllow(t, m, "k", l)
	}
	got := []any{res.PolicyHeader(), res.Header(), res.RetryAfterSeconds()}
	want := []any{`"pat";q=100;w=60`, `"pat";r=0;t=60`, 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}
