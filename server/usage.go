package server

import (
	"context"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"tenx"
	"tenx/gen"
)

// usageMeter counts PAT requests and refusals per (handle, token, day) in
// memory; FlushUsage adds them to the store (app flushes every few
// seconds and at Close), so a request costs a map update, not a write.
type usageMeter struct {
	mu     sync.Mutex
	counts map[usageKey]*tenx.UsageCount
}

type usageKey struct {
	handle, token string
	day           int64 // unix day
}

// count notes one PAT request of the token, refused or not.
func (m *usageMeter) count(handle, token string, now time.Time, refused bool) {
	k := usageKey{handle, token, now.Unix() / 86400}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = make(map[usageKey]*tenx.UsageCount)
	}
	c := m.counts[k]
	if c == nil {
		c = &tenx.UsageCount{Handle: handle, TokenID: token, Day: time.Unix(k.day*86400, 0).UTC()}
		m.counts[k] = c
	}
	c.Requests++
	if refused {
		c.RateLimited++
	}
}

// take removes and returns the counts so far.
func (m *usageMeter) take() []tenx.UsageCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]tenx.UsageCount, 0, len(m.counts))
	for _, c := range m.counts {
		out = append(out, *c)
	}
	m.counts = nil
	return out
}

// putBack returns counts a failed flush took, so none is lost.
func (m *usageMeter) putBack(counts []tenx.UsageCount) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = make(map[usageKey]*tenx.UsageCount)
	}
	for _, c := range counts {
		k := usageKey{c.Handle, c.TokenID, c.Day.Unix() / 86400}
		if have := m.counts[k]; have != nil {
			have.Requests += c.Requests
			have.RateLimited += c.RateLimited
			continue
		}
		cc := c
		m.counts[k] = &cc
	}
}

// FlushUsage stores the request counts of this instance; on failure it
// keeps them for the next flush.
func (s *Server) FlushUsage(ctx context.Context) error {
	if s.Usage == nil {
		return nil
	}
	counts := s.usage.take()
	if err := s.Usage.AddUsage(ctx, counts); err != nil {
		s.usage.putBack(counts)
		return err
	}
	return nil
}

// GetUsageMeters reads the handle's meters of today (JWT).
func (s *Server) GetUsageMeters(ctx context.Context, req gen.GetUsageMetersRequestObject) (gen.GetUsageMetersResponseObject, error) {
	out, err := s.usageMeters(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetUsageMeters200JSONResponse(out), nil
}

// GetUsageMetersPublic reads the handle's meters of today (PAT, usage.read).
func (s *Server) GetUsageMetersPublic(ctx context.Context, req gen.GetUsageMetersPublicRequestObject) (gen.GetUsageMetersPublicResponseObject, error) {
	out, err := s.usageMeters(ctx, req.Handle)
	if err != nil {
		return nil, err
	}
	return gen.GetUsageMetersPublic200JSONResponse{Body: out}, nil
}

// usageMeters stores this instance's counts first, so that what it served
// is in the answer; other instances' counts are at most a flush behind.
func (s *Server) usageMeters(ctx context.Context, handle string) (gen.UsageMeters, error) {
	if err := s.FlushUsage(ctx); err != nil {
		return gen.UsageMeters{}, err
	}
	m, err := s.Usage.FindUsageMeters(ctx, handle, s.now())
	if err != nil {
		return gen.UsageMeters{}, err
	}
	out := gen.UsageMeters{Handle: m.Handle, Day: openapi_types.Date{Time: m.Day}, RequestsToday: m.Requests,
		RateLimitedToday: m.RateLimited, ClicksToday: m.Clicks, StorageBytes: m.StorageBytes,
		Tokens: make([]gen.TokenUsage, 0, len(m.Tokens))}
	for _, t := range m.Tokens {
		out.Tokens = append(out.Tokens, gen.TokenUsage{TokenId: t.TokenID, Name: t.Name, RequestsToday: t.Requests,
			RateLimitedToday: t.RateLimited})
	}
	return out, nil
}
