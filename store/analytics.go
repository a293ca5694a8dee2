package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

const (
	hourMillis = int64(time.Hour / time.Millisecond)
	dayMillis  = 24 * hourMillis
)

// QueryAnalytics answers q from the rollups: whole days of the window
// from the daily rollups, the hours at its edges from the hourly ones. The
// window is widened to whole hours (From down, To up), and the report says
// so. Conversions come from the conversions table (joined with their click
// for a dimension).
func (db *DB) QueryAnalytics(ctx context.Context, q tenx.AnalyticsQuery) (*tenx.AnalyticsReport, error) {
	if err := q.Resolve(db.now()); err != nil {
		return nil, err
	}
	from := q.From.Truncate(time.Hour)
	to := q.To.Truncate(time.Hour)
	if to.Before(q.To) {
		to = to.Add(time.Hour)
	}
	r := &tenx.AnalyticsReport{Handle: q.Handle, From: from, To: to}
	a := analyticsQuery{AnalyticsQuery: q, from: toMillis(from), to: toMillis(to)}
	totals, err := a.sum(ctx, db.db, "")
	if err != nil {
		return nil, translate(err, "query analytics", "analytics")
	}
	r.Totals = *totals[""]
	if q.GroupBy != "" {
		groups, err := a.sum(ctx, db.db, q.GroupBy)
		if err != nil {
			return nil, translate(err, "query analytics", "analytics")
		}
		r.Groups = a.groups(groups)
	}
	return r, nil
}

// analyticsQuery is a resolved query with its window in milliseconds.
type analyticsQuery struct {
	tenx.AnalyticsQuery
	from, to int64
}

// countsRow is one group of one rollup or conversions query.
type countsRow struct {
	Key      string `db:"k"`
	Clicks   int64  `db:"clicks"`
	Bots     int64  `db:"bots"`
	Visitors int64  `db:"visitors"`
}

// sum adds up the clicks and the conversions of the window by group
// ("" sums the whole window under the key "").
func (a analyticsQuery) sum(ctx context.Context, q sqlx.ExtContext, groupBy string) (map[string]*tenx.AnalyticsCounts, error) {
	out := make(map[string]*tenx.AnalyticsCounts)
	add := func(key string, c tenx.AnalyticsCounts) {
		if out[key] == nil {
			out[key] = &tenx.AnalyticsCounts{}
		}
		out[key].Add(c)
	}
	for _, seg := range a.segments(groupBy) {
		var rows []countsRow
		if err := query(ctx, q, &rows, a.rollupSQL(seg.table, groupBy), a.rollupArgs(groupBy, seg.from, seg.to)...); err != nil {
			return nil, err
		}
		for _, r := range rows {
			add(r.Key, tenx.AnalyticsCounts{Clicks: r.Clicks, BotClicks: r.Bots, UniqueVisitors: r.Visitors})
		}
	}
	var conv []countsRow // Clicks holds the count, Bots the revenue
	if err := query(ctx, q, &conv, a.conversionSQL(groupBy), a.conversionArgs()...); err != nil {
		return nil, err
	}
	for _, r := range conv {
		add(r.Key, tenx.AnalyticsCounts{Conversions: r.Clicks, RevenueMicros: r.Bots})
	}
	if groupBy == "" && out[""] == nil {
		out[""] = &tenx.AnalyticsCounts{}
	}
	return out, nil
}

// segment is a part of the window read from one rollup table.
type segment struct {
	table    string
	from, to int64
}

// segments splits the window: whole days from the daily rollups (unless
// grouping by hour), the rest from the hourly ones.
func (a analyticsQuery) segments(groupBy string) []segment {
	firstDay := (a.from + dayMillis - 1) / dayMillis * dayMillis
	lastDay := a.to / dayMillis * dayMillis
	if groupBy == tenx.GroupByHour || firstDay >= lastDay {
		return []segment{{"click_rollups_hourly", a.from, a.to}}
	}
	segs := []segment{{"click_rollups_daily", firstDay, lastDay}}
	if a.from < firstDay {
		segs = append(segs, segment{"click_rollups_hourly", a.from, firstDay})
	}
	if lastDay < a.to {
		segs = append(segs, segment{"click_rollups_hourly", lastDay, a.to})
	}
	return segs
}

// dimension is the rollup dimension a grouping reads.
func dimension(groupBy string) string {
	if slices.Contains(tenx.GroupDimensions, groupBy) {
		return groupBy
	}
	return "total"
}

func (a analyticsQuery) rollupSQL(table, groupBy string) string {
	key := map[string]string{"": "''", tenx.GroupByDay: "bucket - bucket % 86400000", tenx.GroupByHour: "bucket",
		tenx.GroupBySlug: "slug"}[groupBy]
	if key == "" {
		key = "value"
	}
	scope := "slug = ''"
	switch {
	case a.Slug != "":
		scope = "slug = ?"
	case groupBy == tenx.GroupBySlug:
		scope = "slug <> ''"
	}
	return `SELECT ` + castText(key) + ` AS k, SUM(clicks) AS clicks, SUM(bot_clicks) AS bots, SUM(visitors) AS visitors
		FROM ` + table + ` WHERE handle = ? AND ` + scope + ` AND dimension = ? AND bucket >= ? AND bucket < ?
		GROUP BY 1`
}

func (a analyticsQuery) rollupArgs(groupBy string, from, to int64) []any {
	args := []any{a.Handle}
	if a.Slug != "" {
		args = append(args, a.Slug)
	}
	return append(args, dimension(groupBy), from, to)
}

// castText makes a grouping key text in both dialects, so that one scan
// type reads it.
func castText(expr string) string { return "CAST(" + expr + " AS TEXT)" }

// unknownValue is the value a conversion whose click is gone (pruned, or
// lost to a full buffer) is grouped under.
var unknownValue = map[string]string{tenx.GroupByCountry: tenx.UnknownCountry, tenx.GroupByDevice: tenx.DeviceUnknown,
	tenx.GroupByBrowser: tenx.UnknownName, tenx.GroupByOS: tenx.UnknownName, tenx.GroupByReferrer: ""}

func (a analyticsQuery) conversionSQL(groupBy string) string {
	key, join := "''", ""
	switch groupBy {
	case tenx.GroupByDay:
		key = "c.created_at - c.created_at % 86400000"
	case tenx.GroupByHour:
		key = "c.created_at - c.created_at % 3600000"
	case tenx.GroupBySlug:
		key = "c.slug"
	case "":
	default:
		key, join = "COALESCE(k."+groupBy+", '"+unknownValue[groupBy]+"')", " LEFT JOIN clicks k ON k.id = c.click_id"
	}
	scope := ""
	if a.Slug != "" {
		scope = " AND c.slug = ?"
	}
	return `SELECT ` + castText(key) + ` AS k, COUNT(*) AS clicks, COALESCE(SUM(c.value_micros), 0) AS bots, 0 AS visitors
		FROM conversions c` + join + ` WHERE c.handle = ?` + scope + ` AND c.created_at >= ? AND c.created_at < ?
		GROUP BY 1`
}

func (a analyticsQuery) conversionArgs() []any {
	args := []any{a.Handle}
	if a.Slug != "" {
		args = append(args, a.Slug)
	}
	return append(args, a.from, a.to)
}

// groups orders the groups: days and hours in time order, every one of
// the window (zero when nothing happened); the others by clicks, most
// first, then by key.
func (a analyticsQuery) groups(sums map[string]*tenx.AnalyticsCounts) []tenx.AnalyticsGroup {
	var out []tenx.AnalyticsGroup
	switch a.GroupBy {
	case tenx.GroupByDay, tenx.GroupByHour:
		step, layout := dayMillis, "2006-01-02"
		if a.GroupBy == tenx.GroupByHour {
			step, layout = hourMillis, time.RFC3339
		}
		for b := a.from / step * step; b < a.to; b += step {
			g := tenx.AnalyticsGroup{Key: fromMillis(b).Format(layout)}
			if c := sums[itoa(b)]; c != nil {
				g.AnalyticsCounts = *c
			}
			out = append(out, g)
		}
		return out
	}
	for k, c := range sums {
		out = append(out, tenx.AnalyticsGroup{Key: k, AnalyticsCounts: *c})
	}
	slices.SortFunc(out, func(x, y tenx.AnalyticsGroup) int {
		return cmp.Or(cmp.Compare(y.Clicks, x.Clicks), cmp.Compare(x.Key, y.Key))
	})
	return out
}

// maxClickPage bounds a page of FindClicks (the export reads big pages).
const maxClickPage = 10_000

// FindClicks lists the click events of f oldest first, a page at a time.
func (db *DB) FindClicks(ctx context.Context, f tenx.ClickFilter) ([]*tenx.Click, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := min(max(f.Limit, 1), maxClickPage)
	// The page starts at the cursor's time, so that the index range does
	// (a row-value comparison alone leaves SQLite scanning from From on
	// every page).
	from := toMillis(f.From)
	if after != nil {
		from = max(from, after.createdAt)
	}
	where, args := "handle = ? AND occurred_at >= ? AND occurred_at < ?", []any{f.Handle, from, toMillis(f.To)}
	if f.Slug != "" {
		where, args = where+" AND slug = ?", append(args, f.Slug)
	}
	if after != nil {
		where, args = where+" AND (occurred_at > ? OR id > ?)", append(args, after.createdAt, after.id)
	}
	var rows []clickRow
	err = query(ctx, db.db, &rows, `SELECT id, handle, slug, occurred_at, destination, referrer, device, browser, os,
		country, visitor_hash, bot, rule_id, variant_id FROM clicks WHERE `+where+` ORDER BY occurred_at, id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find clicks", "click")
	}
	rows, next := trimPage(rows, limit, func(r clickRow) string { return encodeTimeCursor(r.OccurredAt, r.ID) })
	clicks := make([]*tenx.Click, 0, len(rows))
	for _, r := range rows {
		clicks = append(clicks, r.toClick())
	}
	return clicks, next, nil
}

// clickRow is a row of clicks.
type clickRow struct {
	ID          string `db:"id"`
	Handle      string `db:"handle"`
	Slug        string `db:"slug"`
	OccurredAt  int64  `db:"occurred_at"`
	Destination string `db:"destination"`
	Referrer    string `db:"referrer"`
	Device      string `db:"device"`
	Browser     string `db:"browser"`
	OS          string `db:"os"`
	Country     string `db:"country"`
	VisitorHash string `db:"visitor_hash"`
	Bot         bool   `db:"bot"`
	RuleID      string `db:"rule_id"`
	VariantID   string `db:"variant_id"`
}

func (r clickRow) toClick() *tenx.Click {
	return &tenx.Click{ID: r.ID, Handle: r.Handle, Slug: r.Slug, OccurredAt: fromMillis(r.OccurredAt),
		Destination: r.Destination, Referrer: r.Referrer, Device: r.Device, Browser: r.Browser, OS: r.OS,
		Country: r.Country, VisitorHash: r.VisitorHash, Bot: r.Bot, Counted: true, RuleID: r.RuleID, VariantID: r.VariantID}
}

// conversionRow is a row of conversions.
type conversionRow struct {
	ID          string        `db:"id"`
	Handle      string        `db:"handle"`
	Slug        string        `db:"slug"`
	ClickID     string        `db:"click_id"`
	Type        string        `db:"type"`
	ValueMicros sql.NullInt64 `db:"value_micros"`
	Currency    string        `db:"currency"`
	CreatedAt   int64         `db:"created_at"`
}

// RecordConversion stores c unless its click already has a conversion of
// its type, and sets c as stored.
func (db *DB) RecordConversion(ctx context.Context, c *tenx.Conversion) (bool, error) {
	var row conversionRow
	var created bool
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		value := sql.NullInt64{}
		if c.ValueMicros != nil {
			value = sql.NullInt64{Int64: *c.ValueMicros, Valid: true}
		}
		n, err := exec(ctx, tx, `INSERT INTO conversions (id, handle, slug, click_id, type, value_micros, currency, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (click_id, type) DO NOTHING`,
			newID("cnv_"), c.Handle, c.Slug, c.ClickID, c.Type, value, c.Currency, toMillis(now))
		if err != nil {
			return err
		}
		created = n == 1
		err = get(ctx, tx, &row, `SELECT id, handle, slug, click_id, type, value_micros, currency, created_at
			FROM conversions WHERE click_id = ? AND type = ?`, c.ClickID, c.Type)
		if err != nil || !created {
			return err
		}
		err = db.emit(ctx, tx, now, row.Handle, tenx.EventConversionRecorded, toConversionPayload(row))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		err = tenx.Errorf(tenx.ECONFLICT, "conversion changed concurrently; retry")
	}
	if err != nil {
		return false, translate(err, "record conversion", "conversion")
	}
	*c = tenx.Conversion{ID: row.ID, Handle: row.Handle, Slug: row.Slug, ClickID: row.ClickID, Type: row.Type,
		Currency: row.Currency, CreatedAt: fromMillis(row.CreatedAt)}
	if row.ValueMicros.Valid {
		c.ValueMicros = &row.ValueMicros.Int64
	}
	return created, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
