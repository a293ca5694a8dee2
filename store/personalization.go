package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/cache"
	"tenx/invalidate"
)

var _ tenx.PersonalizationService = (*DB)(nil)

// ruleJSON is how a routing rule is stored in links.routing_rules.
type ruleJSON struct {
	RuleID   string         `json:"ruleId"`
	Enabled  bool           `json:"enabled"`
	Priority int            `json:"priority"`
	When     conditionsJSON `json:"when"`
	Variant  struct {
		ID             string `json:"id"`
		DestinationURL string `json:"destinationUrl"`
	} `json:"variant"`
}

// conditionsJSON is how a rule's conditions are stored.
type conditionsJSON struct {
	CountryIn  []string `json:"countryIn,omitempty"`
	DeviceIn   []string `json:"deviceIn,omitempty"`
	SourceIn   []string `json:"sourceIn,omitempty"`
	CampaignIn []string `json:"campaignIn,omitempty"`
}

func toConditionsJSON(w tenx.RuleConditions) conditionsJSON {
	return conditionsJSON{CountryIn: w.CountryIn, DeviceIn: w.DeviceIn, SourceIn: w.SourceIn, CampaignIn: w.CampaignIn}
}

func (c conditionsJSON) toConditions() tenx.RuleConditions {
	return tenx.RuleConditions{CountryIn: c.CountryIn, DeviceIn: c.DeviceIn, SourceIn: c.SourceIn, CampaignIn: c.CampaignIn}
}

// encodeRules is the stored form of a link's rules.
func encodeRules(rules []tenx.RoutingRule) string {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		out[i] = ruleJSON{RuleID: r.RuleID, Enabled: r.Enabled, Priority: r.Priority, When: toConditionsJSON(r.When)}
		out[i].Variant.ID, out[i].Variant.DestinationURL = r.Variant.ID, r.Variant.DestinationURL
	}
	b, _ := json.Marshal(out) // strings, bools and ints only: cannot fail
	return string(b)
}

// decodeRules reads what encodeRules wrote; nil for no rules. A value
// that does not parse (written by hand) counts as no rules.
func decodeRules(s string) []tenx.RoutingRule {
	var in []ruleJSON
	if s == "" || s == "[]" || json.Unmarshal([]byte(s), &in) != nil || len(in) == 0 {
		return nil
	}
	out := make([]tenx.RoutingRule, len(in))
	for i, r := range in {
		out[i] = tenx.RoutingRule{RuleID: r.RuleID, Enabled: r.Enabled, Priority: r.Priority, When: r.When.toConditions(),
			Variant: tenx.Variant{ID: r.Variant.ID, DestinationURL: r.Variant.DestinationURL}}
	}
	tenx.SortRules(out)
	return out
}

// ruleRow is a row of personalization_rules.
type ruleRow struct {
	Handle         string `db:"handle"`
	RuleID         string `db:"rule_id"`
	Enabled        bool   `db:"enabled"`
	Priority       int    `db:"priority"`
	Conditions     string `db:"conditions"`
	VariantID      string `db:"variant_id"`
	DestinationURL string `db:"destination_url"`
	CreatedAt      int64  `db:"created_at"`
	UpdatedAt      int64  `db:"updated_at"`
}

const ruleColumns = `handle, rule_id, enabled, priority, conditions, variant_id, destination_url, created_at, updated_at`

func toRuleRow(handle string, r *tenx.RoutingRule) ruleRow {
	c, _ := json.Marshal(toConditionsJSON(r.When))
	return ruleRow{Handle: handle, RuleID: r.RuleID, Enabled: r.Enabled, Priority: r.Priority, Conditions: string(c),
		VariantID: r.Variant.ID, DestinationURL: r.Variant.DestinationURL}
}

func (r ruleRow) toRule() tenx.RoutingRule {
	var c conditionsJSON
	_ = json.Unmarshal([]byte(r.Conditions), &c) // written by toRuleRow
	return tenx.RoutingRule{RuleID: r.RuleID, Enabled: r.Enabled, Priority: r.Priority, When: c.toConditions(),
		Variant: tenx.Variant{ID: r.VariantID, DestinationURL: r.DestinationURL}}
}

// allRules reads every rule of the handle in the order they are tried
// (at most MaxPersonalizationRules).
func allRules(ctx context.Context, q sqlx.ExtContext, handle string) ([]ruleRow, error) {
	var rows []ruleRow
	err := query(ctx, q, &rows, `SELECT `+ruleColumns+` FROM personalization_rules WHERE handle = ?
		ORDER BY priority, rule_id`, handle)
	return rows, err
}

// FindPersonalizationRules lists the rules of f.Handle in the order they
// are tried. A handle holds at most MaxPersonalizationRules, so the page
// is cut from all of them; the token names the last rule's place.
func (db *DB) FindPersonalizationRules(ctx context.Context, f tenx.PersonalizationFilter) ([]*tenx.RoutingRule, string, error) {
	after, err := decodePageToken(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	afterPriority, afterID, ok := parseRuleCursor(after)
	if after != "" && !ok {
		return nil, "", errMalformedPageToken()
	}
	rows, err := allRules(ctx, db.db, f.Handle)
	if err != nil {
		return nil, "", translate(err, "find personalization rules", "personalization rule")
	}
	if after != "" {
		i := 0
		for i < len(rows) && (rows[i].Priority < afterPriority ||
			rows[i].Priority == afterPriority && rows[i].RuleID <= afterID) {
			i++
		}
		rows = rows[i:]
	}
	rows, next := trimPage(rows, pageLimit(f.Limit), func(r ruleRow) string {
		return encodePageToken(strconv.Itoa(r.Priority) + ":" + r.RuleID)
	})
	out := make([]*tenx.RoutingRule, len(rows))
	for i, r := range rows {
		rule := r.toRule()
		out[i] = &rule
	}
	return out, next, nil
}

func parseRuleCursor(s string) (int, string, bool) {
	p, id, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(p)
	return n, id, ok && err == nil
}

// FindPersonalizationRule returns ENOTFOUND for an unknown id.
func (db *DB) FindPersonalizationRule(ctx context.Context, handle, ruleID string) (*tenx.RoutingRule, error) {
	var row ruleRow
	err := get(ctx, db.db, &row, `SELECT `+ruleColumns+` FROM personalization_rules WHERE handle = ? AND rule_id = ?`,
		handle, ruleID)
	if err != nil {
		return nil, translate(err, "find personalization rule", "personalization rule")
	}
	r := row.toRule()
	return &r, nil
}

// PutPersonalizationRule creates or replaces the rule in one transaction
// with its audit row, and invalidates the handle's cached rules. The
// rule is not validated here: callers run r.Validate first.
func (db *DB) PutPersonalizationRule(ctx context.Context, handle string, r *tenx.RoutingRule) (bool, error) {
	row := toRuleRow(handle, r)
	var created bool
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		row.CreatedAt, row.UpdatedAt = toMillis(now), toMillis(now)
		n, err := exec(ctx, tx, `UPDATE personalization_rules SET enabled = ?, priority = ?, conditions = ?,
			variant_id = ?, destination_url = ?, updated_at = ? WHERE handle = ? AND rule_id = ?`,
			row.Enabled, row.Priority, row.Conditions, row.VariantID, row.DestinationURL, row.UpdatedAt, handle, row.RuleID)
		if err != nil {
			return err
		}
		if created = n == 0; created {
			if err := insertRule(ctx, tx, row); err != nil {
				return err
			}
		}
		action := "personalization_rule.updated"
		if created {
			action = "personalization_rule.created"
		}
		if err := record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: action, TargetID: row.RuleID}); err != nil {
			return err
		}
		return db.note(ctx, tx, rulesEvent(handle))
	})
	if isForeignKeyViolation(err) {
		return false, tenx.Errorf(tenx.ENOTFOUND, "handle not found")
	}
	return created, translate(err, "put personalization rule", "personalization rule")
}

// insertRule adds a rule, refusing the one past MaxPersonalizationRules.
func insertRule(ctx context.Context, tx *sqlx.Tx, row ruleRow) error {
	if err := checkRoom(ctx, tx, "personalization_rules", row.Handle, tenx.MaxPersonalizationRules, "personalization rules"); err != nil {
		return err
	}
	_, err := exec(ctx, tx, `INSERT INTO personalization_rules (`+ruleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.Handle, row.RuleID, row.Enabled, row.Priority, row.Conditions, row.VariantID, row.DestinationURL,
		row.CreatedAt, row.UpdatedAt)
	return err
}

// DeletePersonalizationRule returns ENOTFOUND for an unknown id.
func (db *DB) DeletePersonalizationRule(ctx context.Context, handle, ruleID string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `DELETE FROM personalization_rules WHERE handle = ? AND rule_id = ?`, handle, ruleID)
		if err == nil && n == 0 {
			return sql.ErrNoRows
		}
		if err != nil {
			return err
		}
		if err := record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: "personalization_rule.deleted",
			TargetID: ruleID}); err != nil {
			return err
		}
		return db.note(ctx, tx, rulesEvent(handle))
	})
	return translate(err, "delete personalization rule", "personalization rule")
}

// The enabled rules of each handle are cached like links (linkcache.go):
// every write invalidates them here at once and on other instances
// through the Bus; while the Bus is not healthy they are trusted for
// linkShortTTL only.
const maxCachedRuleSets = 10000

func newRuleCache() *cache.Map[string, []tenx.RoutingRule] {
	return cache.New[string, []tenx.RoutingRule](maxCachedRuleSets)
}

// subscribeRules keeps the rule cache in step with the Bus.
func (db *DB) subscribeRules() {
	db.bus.Subscribe(func(e invalidate.Event) {
		switch e.Kind {
		case invalidate.Rules, invalidate.Handle:
			db.rules.Delete(e.Key)
		case invalidate.All:
			db.rules.Clear()
		}
	})
}

// RoutingRules returns the handle's enabled rules in the order they are
// tried, through the cache (an unknown handle has none).
func (db *DB) RoutingRules(ctx context.Context, handle string) ([]tenx.RoutingRule, error) {
	now := db.now()
	if rules, ok := db.rules.Get(handle, now); ok {
		return rules, nil
	}
	epoch := db.rules.Epoch()
	rows, err := allRules(ctx, db.db, handle)
	if err != nil {
		return nil, translate(err, "find routing rules", "personalization rule")
	}
	var rules []tenx.RoutingRule
	for _, r := range rows {
		if r.Enabled {
			rules = append(rules, r.toRule())
		}
	}
	db.rules.Put(handle, rules, now.Add(db.bus.TTL(linkShortTTL)), now, epoch)
	return rules, nil
}

// RuleCacheStats returns the hits and misses of the rule cache.
func (db *DB) RuleCacheStats() (hits, misses uint64) { return db.rules.Stats() }

// rulesEvent is the event of a change to the handle's personalization rules.
func rulesEvent(handle string) invalidate.Event {
	return invalidate.Event{Kind: invalidate.Rules, Key: handle}
}
