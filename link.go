package tenx

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"time"
)

var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{4,24}$`)

// Link limits.
const (
	MaxLinkTitleLength = 200
	MaxLinkTags        = 20
	MaxLinkTagLength   = 32
	MaxDestinationURL  = 2048
)

// Link is a short link of a handle: a visit to its short URL redirects to
// DestinationURL and is counted.
type Link struct {
	Handle           string
	Slug             string
	DestinationURL   string
	Title            string
	Tags             []string
	Enabled          bool
	RedirectType     int // 302 (default) or 307
	ScheduledStartAt *time.Time
	ScheduledEndAt   *time.Time
	ExpiresAt        *time.Time
	MaxClicks        *int64
	ClickCount       int64
	CreatedAt        time.Time
	UpdatedAt        time.Time

	// Attribution appends ctx=<signed click id> to the destination, so
	// that a conversion can name the click.
	Attribution bool
	// RoutingRules send some visits elsewhere, in the order they are
	// tried (SortRules), before the handle's personalization rules.
	RoutingRules []RoutingRule
	// TrackingTemplateIDs name the handle's tracking templates the link
	// uses; each must exist.
	TrackingTemplateIDs []string
}

// ValidSlug reports whether s can name a link.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// Validate checks the link's fields.
func (l *Link) Validate() error {
	if !ValidSlug(l.Slug) {
		return &Error{Code: EVALIDATION, Field: "slug", Message: "slug must match ^[A-Za-z0-9_-]{4,24}$"}
	}
	if u, err := url.Parse(l.DestinationURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" || len(l.DestinationURL) > MaxDestinationURL {
		return &Error{Code: EVALIDATION, Field: "destinationUrl", Message: "destinationUrl must be an absolute http(s) URL"}
	}
	if l.RedirectType != 302 && l.RedirectType != 307 {
		return &Error{Code: EVALIDATION, Field: "redirectType", Message: "redirectType must be 302 or 307"}
	}
	if l.ScheduledStartAt != nil && l.ScheduledEndAt != nil && !l.ScheduledEndAt.After(*l.ScheduledStartAt) {
		return &Error{Code: EVALIDATION, Field: "scheduledEndAt", Message: "scheduledEndAt must be after scheduledStartAt"}
	}
	if len(l.Tags) > MaxLinkTags {
		return &Error{Code: EVALIDATION, Field: "tags", Message: "at most 20 tags"}
	}
	for _, t := range l.Tags {
		if t == "" || len([]rune(t)) > MaxLinkTagLength {
			return &Error{Code: EVALIDATION, Field: "tags", Message: "tags must be 1 to 32 characters"}
		}
	}
	if len([]rune(l.Title)) > MaxLinkTitleLength {
		return &Error{Code: EVALIDATION, Field: "title", Message: "title must be at most 200 characters"}
	}
	if l.MaxClicks != nil && *l.MaxClicks < 1 {
		return &Error{Code: EVALIDATION, Field: "maxClicks", Message: "maxClicks must be at least 1"}
	}
	if err := ValidateRules(l.RoutingRules, "routingRules", MaxLinkRoutingRules); err != nil {
		return err
	}
	SortRules(l.RoutingRules)
	if len(l.TrackingTemplateIDs) > MaxLinkTrackingTemplates {
		return &Error{Code: EVALIDATION, Field: "trackingTemplateIds", Message: "at most 10 tracking templates"}
	}
	for _, id := range l.TrackingTemplateIDs {
		if !ValidTemplateID(id) {
			return &Error{Code: EVALIDATION, Field: "trackingTemplateIds", Message: "tracking template ids look like tpl_..."}
		}
	}
	l.TrackingTemplateIDs = slices.Compact(slices.Sorted(slices.Values(l.TrackingTemplateIDs)))
	return nil
}

// Availability says whether a visit at now may follow the link: "" when it
// may, ENOTFOUND when it is disabled or not yet started, EGONE when it
// expired, its schedule ended or it reached its click cap.
func (l *Link) Availability(now time.Time) string {
	switch {
	case !l.Enabled, l.ScheduledStartAt != nil && now.Before(*l.ScheduledStartAt):
		return ENOTFOUND
	case l.ExpiresAt != nil && !now.Before(*l.ExpiresAt),
		l.ScheduledEndAt != nil && !now.Before(*l.ScheduledEndAt),
		l.MaxClicks != nil && l.ClickCount >= *l.MaxClicks:
		return EGONE
	}
	return ""
}

// LinkFilter selects links of one handle.
type LinkFilter struct {
	Handle  string
	Tag     string // only links carrying this tag
	Q       string // case-insensitive substring of slug, title or destination
	Enabled *bool

	Limit     int
	NextToken string
}

// LinkService stores links.
type LinkService interface {
	// FindLinks lists links by slug, one page at a time.
	FindLinks(ctx context.Context, f LinkFilter) ([]*Link, string, error)
	// FindLink returns ENOTFOUND for an unknown slug.
	FindLink(ctx context.Context, handle, slug string) (*Link, error)
	// UpsertLink creates or replaces the link (keeping its click count and
	// CreatedAt) and reports whether it was created.
	UpsertLink(ctx context.Context, l *Link) (created bool, err error)
	// DeleteLink returns ENOTFOUND for an unknown slug.
	DeleteLink(ctx context.Context, handle, slug string) error
	// FollowLink counts a visit and returns the link when Availability
	// allows it; otherwise it counts nothing and returns that error code.
	// Concurrent visits never push the count past MaxClicks.
	FollowLink(ctx context.Context, handle, slug string) (*Link, error)
	// FindLinkToFollow returns the link (without its tags) when
	// Availability allows a visit now, counting nothing: the click
	// pipeline counts the visit. Otherwise it returns that error code.
	FindLinkToFollow(ctx context.Context, handle, slug string) (*Link, error)
}
