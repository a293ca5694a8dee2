package tenx

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Profile limits.
const (
	MaxBioLength       = 1000
	MaxAvatarURLLength = 2048
)

// SiteMode says what the handle's public site, /s/{handle}/, shows.
type SiteMode string

// The site modes. LINKTREE is accepted as another name of PROFILE.
const (
	SiteModeProfile SiteMode = "PROFILE" // a link-in-bio page: the profile and the enabled links
	SiteModeSite    SiteMode = "SITE"    // the active site deployment
)

// themePattern bounds a theme name. Themes other than the three below are
// kept as given (a client may name themes of the hosted product) and drawn
// as AUTO.
var themePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// The themes of the profile page.
const (
	ThemeAuto  = "AUTO" // follows the visitor's light or dark preference
	ThemeLight = "LIGHT"
	ThemeDark  = "DARK"
)

// ParseSiteMode reads a mode case-insensitively; LINKTREE means PROFILE.
// Anything else is EVALIDATION naming the modes allowed.
func ParseSiteMode(s string) (SiteMode, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "PROFILE", "LINKTREE":
		return SiteModeProfile, nil
	case "SITE":
		return SiteModeSite, nil
	}
	return "", &Error{Code: EVALIDATION, Field: "mode",
		Message: "mode must be one of PROFILE, SITE or LINKTREE (an alias of PROFILE), in any case"}
}

// Profile is how a handle presents itself on its link-in-bio page, and
// which face its public site shows.
type Profile struct {
	Handle      string
	DisplayName string
	Bio         string
	AvatarURL   string
	Theme       string // ThemeAuto, ThemeLight, ThemeDark, or another name drawn as AUTO
	SiteMode    SiteMode
	UpdatedAt   time.Time
}

// Validate checks the profile's fields; no theme means AUTO.
func (p *Profile) Validate() error {
	if err := validateDisplayName(p.DisplayName); err != nil {
		return err
	}
	if len([]rune(p.Bio)) > MaxBioLength {
		return &Error{Code: EVALIDATION, Field: "bio", Message: "bio must be at most 1000 characters"}
	}
	if p.AvatarURL != "" {
		u, err := url.Parse(p.AvatarURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || len(p.AvatarURL) > MaxAvatarURLLength {
			return &Error{Code: EVALIDATION, Field: "avatarUrl", Message: "avatarUrl must be an absolute http(s) URL"}
		}
	}
	if p.Theme == "" {
		p.Theme = ThemeAuto
	}
	if !themePattern.MatchString(p.Theme) {
		return &Error{Code: EVALIDATION, Field: "theme",
			Message: "theme must be 1 to 32 letters, digits, - or _ (AUTO, LIGHT and DARK are drawn; others show as AUTO)"}
	}
	return nil
}

// ProfileService stores profiles and site modes. A handle that never set
// its profile has the default one: its display name, no bio, theme AUTO,
// site mode PROFILE. Writes record their audit event in their transaction.
type ProfileService interface {
	// FindProfile returns the handle's profile; ENOTFOUND for an unknown handle.
	FindProfile(ctx context.Context, handle string) (*Profile, error)
	// UpdateProfile replaces the display name, bio, avatar and theme,
	// keeping the site mode, and sets p as stored.
	UpdateProfile(ctx context.Context, p *Profile) error
	// SetSiteMode sets the handle's site mode and returns its profile.
	SetSiteMode(ctx context.Context, handle string, mode SiteMode) (*Profile, error)
}
