package server

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"tenx"
	"tenx/gen"
)

// ExportAnalytics streams the handle's click events as CSV (JWT).
func (s *Server) ExportAnalytics(ctx context.Context, req gen.ExportAnalyticsRequestObject) (gen.ExportAnalyticsResponseObject, error) {
	return s.export(ctx, req.Handle, req.Params.From, req.Params.To, req.Params.Slug)
}

// ExportAnalyticsPublic streams the handle's click events as CSV (PAT,
// analytics.read).
func (s *Server) ExportAnalyticsPublic(ctx context.Context, req gen.ExportAnalyticsPublicRequestObject) (gen.ExportAnalyticsPublicResponseObject, error) {
	return s.export(ctx, req.Handle, req.Params.From, req.Params.To, req.Params.Slug)
}

func (s *Server) export(ctx context.Context, handle string, from, to, slug *string) (*csvExport, error) {
	q := tenx.AnalyticsQuery{Handle: handle}
	var err error
	if q.From, q.To, err = parseWindow(from, to); err != nil {
		return nil, err
	}
	if err := q.Resolve(s.Now()); err != nil {
		return nil, err
	}
	return &csvExport{s: s, ctx: ctx, f: tenx.ClickFilter{Handle: handle, Slug: deref(slug), From: q.From, To: q.To,
		Limit: exportPage}}, nil
}

// exportPage is how many events the export reads per query: memory stays
// flat whatever the window holds.
const exportPage = 2000

// csvHeader names the export's columns.
var csvHeader = []string{"clickId", "occurredAt", "slug", "destination", "referrer", "device", "browser", "os",
	"country", "bot", "visitorHash", "ruleId", "variantId"}

// csvExport is the export's response: it writes to the connection itself,
// a page of events at a time.
type csvExport struct {
	s   *Server
	ctx context.Context
	f   tenx.ClickFilter
}

// VisitExportAnalyticsResponse writes the CSV.
func (e *csvExport) VisitExportAnalyticsResponse(w http.ResponseWriter) error { return e.write(w) }

// VisitExportAnalyticsPublicResponse writes the CSV.
func (e *csvExport) VisitExportAnalyticsPublicResponse(w http.ResponseWriter) error {
	return e.write(w)
}

// write reads the first page before answering, so that a failure there is
// an ordinary error answer. Each later page gets its own database deadline
// (the request's would end a long export) and pushes the connection's
// write deadline on. A failure after the first byte aborts the response,
// so that the client sees an incomplete body rather than a short file.
func (e *csvExport) write(w http.ResponseWriter) error {
	clicks, next, err := e.s.Analytics.FindClicks(e.ctx, e.f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+e.f.Handle+`-clicks.csv"`)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	base := context.WithoutCancel(e.ctx)
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second)) // unsupported by recorders: fine
		for _, c := range clicks {
			_ = cw.Write(csvRow(c))
		}
		if cw.Flush(); cw.Error() != nil {
			e.abort("client went away", cw.Error())
		}
		if next == "" {
			return nil
		}
		e.f.NextToken = next
		ctx, cancel := context.WithTimeout(base, e.s.cfg.DBTimeout)
		clicks, next, err = e.s.Analytics.FindClicks(ctx, e.f)
		cancel()
		if err != nil {
			e.abort("export failed", err)
		}
	}
}

func (e *csvExport) abort(msg string, err error) {
	e.s.log.Warn("analytics export aborted: "+msg, "handle", e.f.Handle, "err", err)
	panic(http.ErrAbortHandler)
}

func csvRow(c *tenx.Click) []string {
	return []string{c.ID, c.OccurredAt.UTC().Format(time.RFC3339Nano), cell(c.Slug), cell(c.Destination),
		cell(c.Referrer), c.Device, cell(c.Browser), cell(c.OS), c.Country, strconv.FormatBool(c.Bot), c.VisitorHash,
		cell(c.RuleID), cell(c.VariantID)}
}

// cell defuses spreadsheet formulas: a cell that starts with =, +, -, @
// (or a tab or carriage return, which some spreadsheets skip) gets a
// leading '. The csv writer does the RFC 4180 quoting.
func cell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
