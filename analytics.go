package tenx

import (
	"context"
	"regexp"
	"time"
)

// Analytics windows.
const (
	DefaultAnalyticsWindow = 30 * 24 * time.Hour
	MaxAnalyticsWindow     = 400 * 24 * time.Hour
)

// What an analytics query may group by.
const (
	GroupByDay      = "day"
	GroupByHour     = "hour"
	GroupBySlug     = "slug"
	GroupByCountry  = "country"
	GroupByDevice   = "device"
	GroupByBrowser  = "browser"
	GroupByOS       = "os"
	GroupByReferrer = "referrer"
)

// GroupDimensions are the groupings kept as a dimension of the rollups.
var GroupDimensions = []string{GroupByCountry, GroupByDevice, GroupByBrowser, GroupByOS, GroupByReferrer}

// ValidGroupBy reports whether g is a grouping the analytics know ("" is none).
func ValidGroupBy(g string) bool {
	switch g {
	case "", GroupByDay, GroupByHour, GroupBySlug, GroupByCountry, GroupByDevice, GroupByBrowser, GroupByOS, GroupByReferrer:
		return true
	}
	return false
}

// AnalyticsQuery asks for the clicks of a handle, or of one of its links,
// in the window [From, To).
type AnalyticsQuery struct {
	Handle  string
	Slug    string // "" means every link
	From    time.Time
	To      time.Time
	GroupBy string
}

// Resolve fills the default window (the 30 days up to the end of the
// current hour, so that what just happened is in) and checks the query:
// From before To, at most 400 days apart.
func (q *AnalyticsQuery) Resolve(now time.Time) error {
	if q.To.IsZero() {
		q.To = now.UTC().Truncate(time.Hour).Add(time.Hour)
	}
	if q.From.IsZero() {
		q.From = q.To.Add(-DefaultAnalyticsWindow)
	}
	q.From, q.To = q.From.UTC(), q.To.UTC()
	if !q.From.Before(q.To) {
		return &Error{Code: EVALIDATION, Field: "from", Message: "from must be before to"}
	}
	if q.To.Sub(q.From) > MaxAnalyticsWindow {
		return &Error{Code: EVALIDATION, Field: "from", Message: "from and to must be at most 400 days apart"}
	}
	if !ValidGroupBy(q.GroupBy) {
		return &Error{Code: EVALIDATION, Field: "groupBy", Message: "groupBy must be day, hour, slug, country, device, browser, os or referrer"}
	}
	return nil
}

// AnalyticsCounts are the measures of a window or of one group of it.
// RevenueMicros is the sum of the conversions' values in millionths, in
// whatever currencies they were recorded.
type AnalyticsCounts struct {
	Clicks         int64
	BotClicks      int64
	UniqueVisitors int64
	Conversions    int64
	RevenueMicros  int64
}

// Add adds o to c.
func (c *AnalyticsCounts) Add(o AnalyticsCounts) {
	c.Clicks += o.Clicks
	c.BotClicks += o.BotClicks
	c.UniqueVisitors += o.UniqueVisitors
	c.Conversions += o.Conversions
	c.RevenueMicros += o.RevenueMicros
}

// QualifiedClicks are the clicks that were not bots'.
func (c AnalyticsCounts) QualifiedClicks() int64 { return c.Clicks - c.BotClicks }

// AnalyticsGroup is one group of a report: a day, an hour, a slug or a
// dimension's value.
type AnalyticsGroup struct {
	Key string
	AnalyticsCounts
}

// AnalyticsReport answers an AnalyticsQuery.
type AnalyticsReport struct {
	Handle   string
	From, To time.Time
	Totals   AnalyticsCounts
	Groups   []AnalyticsGroup
}

// ClickFilter selects the click events of a handle in [From, To), oldest
// first.
type ClickFilter struct {
	Handle   string
	Slug     string
	From, To time.Time

	Limit     int
	NextToken string
}

// Conversion limits.
const (
	// MaxConversionValueMicros (10^9 units) keeps the sum of millions of
	// conversions within an int64.
	MaxConversionValueMicros = 1_000_000_000 * 1_000_000
	DefaultConversionType    = "conversion"
)

var (
	conversionTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,31}$`)
	currencyPattern       = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Conversion is an outcome tied to a click: a sale, a sign-up...
type Conversion struct {
	ID          string
	Handle      string
	Slug        string
	ClickID     string
	Type        string
	ValueMicros *int64
	Currency    string
	CreatedAt   time.Time
}

// Validate checks the conversion's type, value and currency.
func (c *Conversion) Validate() error {
	if !conversionTypePattern.MatchString(c.Type) {
		return &Error{Code: EVALIDATION, Field: "type", Message: "type must match ^[a-z0-9][a-z0-9_.-]{0,31}$"}
	}
	if c.ValueMicros != nil && (*c.ValueMicros < 0 || *c.ValueMicros > MaxConversionValueMicros) {
		return &Error{Code: EVALIDATION, Field: "value", Message: "value must be between 0 and 10^9"}
	}
	if c.Currency != "" && !currencyPattern.MatchString(c.Currency) {
		return &Error{Code: EVALIDATION, Field: "currency", Message: "currency must be an ISO 4217 code such as EUR"}
	}
	if c.Currency != "" && c.ValueMicros == nil {
		return &Error{Code: EVALIDATION, Field: "currency", Message: "currency needs a value"}
	}
	return nil
}

// AnalyticsService answers analytics queries from the rollups.
type AnalyticsService interface {
	// QueryAnalytics resolves q (see AnalyticsQuery.Resolve) and reports on
	// its window from the rollups, never from raw events.
	QueryAnalytics(ctx context.Context, q AnalyticsQuery) (*AnalyticsReport, error)
	// FindClicks lists raw click events one page at a time, oldest first.
	FindClicks(ctx context.Context, f ClickFilter) ([]*Click, string, error)
	// RecordConversion stores c, or finds the conversion already recorded
	// for its click and type (then it reports created false and sets c to
	// it).
	RecordConversion(ctx context.Context, c *Conversion) (created bool, err error)
}
