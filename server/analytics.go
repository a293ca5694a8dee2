package server

import (
	"context"
	"math"
	"time"

	"tenx"
	"tenx/gen"
)

// The analytics operations exist on both route families (JWT control plane
// and PAT automation); each pair shares one implementation below.

// analyticsParams are the query parameters of either plane.
type analyticsParams struct {
	from, to, slug, groupBy, interval *string
	funnel                            *bool
}

// GetAnalytics reports on the handle's clicks (JWT).
func (s *Server) GetAnalytics(ctx context.Context, req gen.GetAnalyticsRequestObject) (gen.GetAnalyticsResponseObject, error) {
	p := req.Params
	out, err := s.analytics(ctx, req.Handle, analyticsParams{from: p.From, to: p.To, slug: p.Slug,
		groupBy: (*string)(p.GroupBy), interval: (*string)(p.Interval), funnel: p.Funnel})
	if err != nil {
		return nil, err
	}
	return gen.GetAnalytics200JSONResponse(out), nil
}

// GetAnalyticsPublic reports on the handle's clicks (PAT, analytics.read).
func (s *Server) GetAnalyticsPublic(ctx context.Context, req gen.GetAnalyticsPublicRequestObject) (gen.GetAnalyticsPublicResponseObject, error) {
	p := req.Params
	out, err := s.analytics(ctx, req.Handle, analyticsParams{from: p.From, to: p.To, slug: p.Slug,
		groupBy: (*string)(p.GroupBy), interval: (*string)(p.Interval), funnel: p.Funnel})
	if err != nil {
		return nil, err
	}
	return gen.GetAnalyticsPublic200JSONResponse{Body: out}, nil
}

func (s *Server) analytics(ctx context.Context, handle string, p analyticsParams) (gen.AnalyticsReport, error) {
	q := tenx.AnalyticsQuery{Handle: handle, Slug: deref(p.slug), GroupBy: deref(p.groupBy)}
	if iv := deref(p.interval); iv != "" {
		if q.GroupBy != "" && q.GroupBy != iv {
			return gen.AnalyticsReport{}, &tenx.Error{Code: tenx.EVALIDATION, Field: "interval",
				Message: "interval and groupBy disagree; give one of them"}
		}
		q.GroupBy = iv
	}
	var err error
	if q.From, q.To, err = parseWindow(p.from, p.to); err != nil {
		return gen.AnalyticsReport{}, err
	}
	r, err := s.Analytics.QueryAnalytics(ctx, q)
	if err != nil {
		return gen.AnalyticsReport{}, err
	}
	out := gen.AnalyticsReport{Handle: r.Handle, From: r.From, To: r.To, Totals: toAPICounts(r.Totals),
		Groups: make([]gen.AnalyticsGroup, 0, len(r.Groups)), Freshness: s.freshness()}
	for _, g := range r.Groups {
		c := toAPICounts(g.AnalyticsCounts)
		out.Groups = append(out.Groups, gen.AnalyticsGroup{Key: g.Key, Clicks: c.Clicks, QualifiedClicks: c.QualifiedClicks,
			BotClicks: c.BotClicks, UniqueVisitors: c.UniqueVisitors, Conversions: c.Conversions, Revenue: c.Revenue})
	}
	if p.funnel != nil && *p.funnel {
		f := gen.AnalyticsFunnel{Clicks: r.Totals.Clicks, QualifiedClicks: r.Totals.QualifiedClicks(),
			Conversions: r.Totals.Conversions}
		if f.QualifiedClicks > 0 {
			f.ConversionRate = float64(f.Conversions) / float64(f.QualifiedClicks)
		}
		out.Funnel = &f
	}
	return out, nil
}

func (s *Server) freshness() gen.AnalyticsFreshness {
	if s.Clicks == nil {
		return gen.AnalyticsFreshness{Status: gen.FRESH} // every visit is written before its redirect
	}
	f := s.Clicks.Freshness()
	out := gen.AnalyticsFreshness{Status: gen.FRESH}
	if f.Stale {
		out.Status = gen.STALE
	}
	if !f.CaughtUpAt.IsZero() {
		out.LastUpdatedAt = &f.CaughtUpAt
	}
	return out
}

func toAPICounts(c tenx.AnalyticsCounts) gen.AnalyticsCounts {
	return gen.AnalyticsCounts{Clicks: c.Clicks, QualifiedClicks: c.QualifiedClicks(), BotClicks: c.BotClicks,
		UniqueVisitors: c.UniqueVisitors, Conversions: c.Conversions, Revenue: float64(c.RevenueMicros) / 1e6}
}

// parseWindow reads from and to: RFC 3339, or YYYY-MM-DD for the start of
// that day (from) or its end (to), UTC. Absent ones stay zero (defaults).
func parseWindow(from, to *string) (time.Time, time.Time, error) {
	f, err := parseInstant("from", deref(from), false)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := parseInstant("to", deref(to), true)
	return f, t, err
}

func parseInstant(field, s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, &tenx.Error{Code: tenx.EVALIDATION, Field: field,
			Message: field + " must be an RFC 3339 time or a YYYY-MM-DD date"}
	}
	if endOfDay {
		d = d.Add(24 * time.Hour)
	}
	return d, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// RecordConversion records a conversion against the click its ctx names
// (public, limited per client IP by throttleAuth); a browser must be on
// one of the ctx's handle's context origins.
func (s *Server) RecordConversion(ctx context.Context, req gen.RecordConversionRequestObject) (gen.RecordConversionResponseObject, error) {
	if s.ClickSigner == nil {
		return nil, tenx.Errorf(tenx.EINVALIDCTX, "this instance signs no click references")
	}
	ref, err := s.ClickSigner.Verify(req.Body.Ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkRuntimeOrigin(ctx, ref.Handle); err != nil {
		return nil, err
	}
	c := &tenx.Conversion{Handle: ref.Handle, Slug: ref.Slug, ClickID: ref.ClickID, Type: tenx.DefaultConversionType,
		Currency: deref(req.Body.Currency)}
	if req.Body.Type != nil {
		c.Type = *req.Body.Type
	}
	if req.Body.Value != nil {
		micros := int64(math.Round(*req.Body.Value * 1e6))
		c.ValueMicros = &micros
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	created, err := s.Analytics.RecordConversion(ctx, c)
	if err != nil {
		return nil, err
	}
	out := gen.Conversion{ConversionId: c.ID, ClickId: c.ClickID, Handle: c.Handle, Slug: c.Slug, Type: c.Type,
		Currency: optional(c.Currency), CreatedAt: c.CreatedAt}
	if c.ValueMicros != nil {
		v := float64(*c.ValueMicros) / 1e6
		out.Value = &v
	}
	if created {
		return gen.RecordConversion201JSONResponse(out), nil
	}
	return gen.RecordConversion200JSONResponse(out), nil
}
