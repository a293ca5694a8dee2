package tenx

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Tracking template keys.
const (
	TemplateMetaPixel     = "meta_pixel"
	TemplateGTMEvent      = "gtm_event"
	TemplateGA4Event      = "ga4_event"
	TemplateCustomWebhook = "custom_webhook"
)

// Tracking template limits.
const (
	MaxTrackingTemplates     = 100
	MaxLinkTrackingTemplates = 10
	MaxTemplateNameLength    = 100
)

// TrackingTemplate is a pixel or event hook that a handle's links may
// carry (Link.TrackingTemplateIDs).
type TrackingTemplate struct {
	ID          string
	Handle      string
	TemplateKey string
	Name        string
	Config      map[string]string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

var (
	digitsPattern     = regexp.MustCompile(`^[0-9]{5,20}$`)
	gtmPattern        = regexp.MustCompile(`^GTM-[A-Z0-9]{4,10}$`)
	ga4Pattern        = regexp.MustCompile(`^G-[A-Z0-9]{4,12}$`)
	eventNamePattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,39}$`)
	templateIDPattern = regexp.MustCompile(`^tpl_[A-Za-z0-9]{1,40}$`)
)

// configField is one key of a template's config and how it is checked.
type configField struct {
	key  string
	ok   func(string) bool
	want string
}

var eventName = configField{"eventName", eventNamePattern.MatchString, "a letter, then up to 39 letters, digits or _"}

// templateConfigs are the config keys of each template key, all required.
var templateConfigs = map[string][]configField{
	TemplateMetaPixel: {{"pixelId", digitsPattern.MatchString, "5 to 20 digits"}, eventName},
	TemplateGTMEvent:  {{"containerId", gtmPattern.MatchString, "GTM- and 4 to 10 capitals or digits"}, eventName},
	TemplateGA4Event:  {{"measurementId", ga4Pattern.MatchString, "G- and 4 to 12 capitals or digits"}, eventName},
	TemplateCustomWebhook: {{"url", func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.Scheme == "https" && u.Host != "" && len(s) <= MaxDestinationURL
	}, "an absolute https URL"}},
}

// ValidTemplateID reports whether s can name a tracking template.
func ValidTemplateID(s string) bool { return templateIDPattern.MatchString(s) }

// Validate checks the template's name, key and config (per key: every
// key it needs, valid, and no other).
func (t *TrackingTemplate) Validate() error {
	fields, ok := templateConfigs[t.TemplateKey]
	if !ok {
		return &Error{Code: EVALIDATION, Field: "templateKey",
			Message: "templateKey must be one of meta_pixel, gtm_event, ga4_event, custom_webhook"}
	}
	if n := len([]rune(strings.TrimSpace(t.Name))); n == 0 || n > MaxTemplateNameLength {
		return &Error{Code: EVALIDATION, Field: "name", Message: "name must be 1 to 100 characters"}
	}
	for _, f := range fields {
		v, ok := t.Config[f.key]
		if !ok || !f.ok(v) {
			return &Error{Code: EVALIDATION, Field: "config." + f.key,
				Message: fmt.Sprintf("%s needs config.%s: %s", t.TemplateKey, f.key, f.want)}
		}
	}
	for k := range t.Config {
		if !slices.ContainsFunc(fields, func(f configField) bool { return f.key == k }) {
			return &Error{Code: EVALIDATION, Field: "config." + k,
				Message: fmt.Sprintf("%s takes no config.%s", t.TemplateKey, k)}
		}
	}
	return nil
}

// TrackingTemplateFilter selects a page of a handle's templates.
type TrackingTemplateFilter struct {
	Handle    string
	Limit     int
	NextToken string
}

// TrackingTemplateService stores tracking templates.
type TrackingTemplateService interface {
	// FindTrackingTemplates lists templates oldest first.
	FindTrackingTemplates(ctx context.Context, f TrackingTemplateFilter) ([]*TrackingTemplate, string, error)
	// FindTrackingTemplate returns ENOTFOUND for an unknown id.
	FindTrackingTemplate(ctx context.Context, handle, id string) (*TrackingTemplate, error)
	// CreateTrackingTemplate sets t's ID and times; ECONFLICT past
	// MaxTrackingTemplates.
	CreateTrackingTemplate(ctx context.Context, t *TrackingTemplate) error
	// UpdateTrackingTemplate replaces t's key, name and config; ENOTFOUND
	// for an unknown id.
	UpdateTrackingTemplate(ctx context.Context, t *TrackingTemplate) error
	// DeleteTrackingTemplate returns ENOTFOUND for an unknown id and
	// ECONFLICT while a link uses the template.
	DeleteTrackingTemplate(ctx context.Context, handle, id string) error
}
