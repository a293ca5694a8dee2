package tenx

import (
	"context"
	"encoding/json"
	"regexp"
	"time"
)

var campaignIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{2,63}$`)

// MaxSiteStructureBytes bounds one version of a campaign's site structure,
// as compact JSON.
const MaxSiteStructureBytes = 256 << 10

// CampaignGoal is what a campaign is for.
type CampaignGoal string

// The goals.
const (
	GoalProductSale       CampaignGoal = "PRODUCT_SALE"
	GoalLeadCapture       CampaignGoal = "LEAD_CAPTURE"
	GoalNewsletter        CampaignGoal = "NEWSLETTER"
	GoalAffiliateClickout CampaignGoal = "AFFILIATE_CLICKOUT"
	GoalAppInstall        CampaignGoal = "APP_INSTALL"
)

// CampaignStatus is where a campaign is in its life: DRAFT, then ACTIVE
// and PAUSED back and forth; never back to DRAFT.
type CampaignStatus string

// The statuses.
const (
	CampaignDraft  CampaignStatus = "DRAFT"
	CampaignActive CampaignStatus = "ACTIVE"
	CampaignPaused CampaignStatus = "PAUSED"
)

// CanMove reports whether a campaign may go from s to next; staying put
// is allowed.
func (s CampaignStatus) CanMove(next CampaignStatus) bool {
	switch {
	case s == next:
		return true
	case next == CampaignActive:
		return s == CampaignDraft || s == CampaignPaused
	case next == CampaignPaused:
		return s == CampaignActive
	}
	return false
}

// Campaign is a goal of a handle with a page-backed site structure, kept
// as numbered versions (SiteStructure) of which one may be published.
type Campaign struct {
	Handle      string
	ID          string
	GoalType    CampaignGoal
	Status      CampaignStatus
	PrimarySlug string // the slug of the link the campaign sends people through, or ""
	// LatestVersion is the newest site-structure version (0: none yet);
	// PublishedVersion the live one (0: none).
	LatestVersion    int
	PublishedVersion int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// ValidCampaignID reports whether s can name a campaign.
func ValidCampaignID(s string) bool { return campaignIDPattern.MatchString(s) }

// Validate checks the campaign's fields.
func (c *Campaign) Validate() error {
	if !ValidCampaignID(c.ID) {
		return &Error{Code: EVALIDATION, Field: "campaignId", Message: "campaignId must match ^[a-z0-9][a-z0-9_-]{2,63}$"}
	}
	switch c.GoalType {
	case GoalProductSale, GoalLeadCapture, GoalNewsletter, GoalAffiliateClickout, GoalAppInstall:
	default:
		return &Error{Code: EVALIDATION, Field: "goalType",
			Message: "goalType must be PRODUCT_SALE, LEAD_CAPTURE, NEWSLETTER, AFFILIATE_CLICKOUT or APP_INSTALL"}
	}
	switch c.Status {
	case CampaignDraft, CampaignActive, CampaignPaused:
	default:
		return &Error{Code: EVALIDATION, Field: "status", Message: "status must be DRAFT, ACTIVE or PAUSED"}
	}
	if c.PrimarySlug != "" && !ValidSlug(c.PrimarySlug) {
		return &Error{Code: EVALIDATION, Field: "primarySlug", Message: "primarySlug must match ^[A-Za-z0-9_-]{4,24}$"}
	}
	return nil
}

// CampaignUpdate holds the fields a PATCH may change; nil means unchanged,
// and an empty PrimarySlug removes it.
type CampaignUpdate struct {
	Status      *CampaignStatus
	PrimarySlug *string
}

// SiteStructure is one version of a campaign's site structure: a JSON
// document of sections, pages and links whose shape the spec defines.
type SiteStructure struct {
	Handle     string
	CampaignID string
	Version    int
	Document   json.RawMessage
	CreatedAt  time.Time
}

// CampaignFilter selects campaigns of one handle.
type CampaignFilter struct {
	Handle string

	Limit     int
	NextToken string
}

// CampaignService stores campaigns and their site structures. Its writes
// record their audit event in their own transaction.
type CampaignService interface {
	// FindCampaigns lists campaigns by id, one page at a time.
	FindCampaigns(ctx context.Context, f CampaignFilter) ([]*Campaign, string, error)
	// FindCampaign returns ENOTFOUND for an unknown id.
	FindCampaign(ctx context.Context, handle, id string) (*Campaign, error)
	// CreateCampaign stores c; a taken id is ECONFLICT.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// UpdateCampaign applies upd; a status change CanMove refuses is ECONFLICT.
	UpdateCampaign(ctx context.Context, handle, id string, upd CampaignUpdate) (*Campaign, error)
	// FindSiteStructure returns the given version, or the latest for 0;
	// ENOTFOUND when there is none.
	FindSiteStructure(ctx context.Context, handle, id string, version int) (*SiteStructure, error)
	// PutSiteStructure stores doc as the version after ifMatch, which must
	// be the latest version: nil ifMatch is EPRECONDITIONREQUIRED once a
	// version exists, another version EPRECONDITIONFAILED. Of concurrent
	// puts after one version exactly one succeeds.
	PutSiteStructure(ctx context.Context, handle, id string, doc json.RawMessage, ifMatch *int) (*SiteStructure, error)
	// PublishSiteStructure makes version the live one; ENOTFOUND when that
	// version does not exist.
	PublishSiteStructure(ctx context.Context, handle, id string, version int) (*Campaign, error)
}

// HealthStatus is the verdict of one check.
type HealthStatus string

// The verdicts.
const (
	HealthPass HealthStatus = "PASS"
	HealthFail HealthStatus = "FAIL"
)

// HealthCheck is one check of a campaign's health.
type HealthCheck struct {
	Name   string
	Status HealthStatus
	Reason string
}

// CampaignHealth runs the checks of a campaign: its primary link exists
// and is enabled, its site structure is published, and its primary link
// has been clicked at least once. primary is the primary link, or nil when
// the campaign names none or it does not exist.
func CampaignHealth(c *Campaign, primary *Link) []HealthCheck {
	link := HealthCheck{Name: "primary_link", Status: HealthPass, Reason: "link " + c.PrimarySlug + " exists and is enabled"}
	switch {
	case c.PrimarySlug == "":
		link.Status, link.Reason = HealthFail, "the campaign names no primarySlug"
	case primary == nil:
		link.Status, link.Reason = HealthFail, "link "+c.PrimarySlug+" does not exist"
	case !primary.Enabled:
		link.Status, link.Reason = HealthFail, "link "+c.PrimarySlug+" is disabled"
	}
	published := HealthCheck{Name: "structure_published", Status: HealthPass, Reason: "a site structure version is live"}
	if c.PublishedVersion == 0 {
		published.Status, published.Reason = HealthFail, "no site structure version is published"
	}
	clicks := HealthCheck{Name: "has_clicks", Status: HealthFail, Reason: "the primary link has no clicks yet"}
	if primary != nil && primary.ClickCount > 0 {
		clicks.Status, clicks.Reason = HealthPass, "the primary link has been clicked"
	}
	return []HealthCheck{link, published, clicks}
}
