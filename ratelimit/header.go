package ratelimit

import (
	"strconv"
	"strings"
	"time"
)

// The helpers below format the fields of the IETF draft "RateLimit header
// fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-10) in its
// structured-field form: one List member per policy, a quoted policy name with
// integer parameters. They return a single member so a caller enforcing
// several policies can join them with ", ".

// PolicyHeader returns this result's member of the RateLimit-Policy field,
// e.g. "pat";q=100;w=60. The quota q is Burst and the window w is the time GCRA
// takes to refill a full burst, so r in Header never exceeds q and t never
// exceeds w; with the default Burst this is simply Rate per Period.
func (r Result) PolicyHeader() string {
	l := r.Limit
	window := l.Period
	if l.Burst != l.Rate && l.Rate > 0 {
		window = time.Duration(float64(l.Period) * float64(l.Burst) / float64(l.Rate))
	}
	var b strings.Builder
	writeName(&b, l.Name)
	b.WriteString(";q=")
	b.WriteString(strconv.Itoa(l.Burst))
	b.WriteString(";w=")
	b.WriteString(strconv.Itoa(max(ceilSeconds(window), 1)))
	return b.String()
}

// Header returns this result's member of the RateLimit field, e.g.
// "pat";r=42;t=18: r requests remain and the full quota is back in t seconds,
// rounded up so a client waiting t seconds is never early.
func (r Result) Header() string {
	var b strings.Builder
	writeName(&b, r.Limit.Name)
	b.WriteString(";r=")
	b.WriteString(strconv.Itoa(max(r.Remaining, 0)))
	b.WriteString(";t=")
	b.WriteString(strconv.Itoa(ceilSeconds(r.ResetAfter)))
	return b.String()
}

// RetryAfterSeconds returns the Retry-After value for a denied request: whole
// seconds rounded up, and at least 1, because "Retry-After: 0" invites an
// immediate retry that would be denied again. It is 0 when Allowed.
func (r Result) RetryAfterSeconds() int {
	if r.Allowed {
		return 0
	}
	return max(ceilSeconds(r.RetryAfter), 1)
}

func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// writeName writes name as a structured-field String: quotes and backslashes
// are escaped and anything outside printable ASCII is dropped, since a header
// that fails to parse would hide every policy in the field from the client.
func writeName(b *strings.Builder, name string) {
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c <= 0x7e:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// PolicyHeader returns l's member of the RateLimit-Policy field, the same as
// that of any Result of l; it depends on l alone, so callers can compute it
// once. An invalid limit has none ("").
func (l Limit) PolicyHeader() string {
	n, err := l.normalize()
	if err != nil {
		return ""
	}
	return Result{Limit: n}.PolicyHeader()
}
