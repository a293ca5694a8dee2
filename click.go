package tenx

import (
	"context"
	"time"
)

// Devices a click is counted under.
const (
	DeviceMobile  = "MOBILE"
	DeviceTablet  = "TABLET"
	DeviceDesktop = "DESKTOP"
	DeviceBot     = "BOT"
	DeviceUnknown = "UNKNOWN"
)

// UnknownCountry is the country of a click whose origin is not known.
const UnknownCountry = "ZZ"

// UnknownName is the browser or OS of a click whose user agent names none.
const UnknownName = "Unknown"

// Visit is a visit of a short URL as the redirect saw it, before
// enrichment. It holds the visitor's raw address and user agent, in memory
// only: the click pipeline turns it into a Click, which stores neither.
type Visit struct {
	ID          string // the click's id; empty means the pipeline names it
	Handle      string
	Slug        string
	Destination string // the destination chosen, without the ctx parameter
	At          time.Time
	UserAgent   string
	Referer     string
	IP          string
	// ProxyCountry is the ISO country a trusted proxy named (CF-IPCountry);
	// empty when the request did not come through one.
	ProxyCountry string
	// Counted is true when the redirect already added the visit to the
	// link's click count (a link with a click cap is counted at once, so
	// the cap stays exact).
	Counted bool
	// RuleID and VariantID name the routing rule that chose Destination
	// and its variant; empty when the link's destinationUrl was used.
	RuleID, VariantID string
}

// Click is a stored click event.
type Click struct {
	ID          string
	Handle      string
	Slug        string
	OccurredAt  time.Time
	Destination string
	Referrer    string // the referring host, "" when none
	Device      string // DeviceMobile, ...
	Browser     string
	OS          string
	Country     string // ISO 3166-1 alpha-2, or UnknownCountry
	VisitorHash string // a daily-salted hash of address and user agent
	Bot         bool
	Counted     bool   // already in the link's click count (see Visit)
	RuleID      string // the routing rule that chose Destination, "" for none
	VariantID   string // its variant
}

// VisitClassifier tells the redirect what routing rules test about a
// visitor, as the click pipeline will record it.
type VisitClassifier interface {
	// Country is an ISO code or UnknownCountry; proxyCountry is what a
	// trusted proxy said ("" when none).
	Country(ip, proxyCountry string) string
	// Device is DeviceMobile, ... or DeviceUnknown.
	Device(userAgent string) string
	// ReferrerHost is the host a Referer names, lower case; "" when none.
	ReferrerHost(referer string) string
}

// ClickRecorder takes visits off the request path.
type ClickRecorder interface {
	// Record hands v to the background writer without waiting; it returns
	// false, and counts the loss, when the buffer is full.
	Record(v *Visit) bool
	// Freshness says how far behind the writer is.
	Freshness() Freshness
}

// Freshness is how current the stored clicks are.
type Freshness struct {
	// CaughtUpAt is the latest time at which every visit recorded before
	// it was in the database (zero before the first write).
	CaughtUpAt time.Time
	// Stale is true when CaughtUpAt is more than a few seconds old.
	Stale bool
}

// ClickRef is what a signed ctx names: a click of a link.
type ClickRef struct {
	ClickID, Handle, Slug string
}

// ClickSigner signs click ids for the ctx parameter of attributed links.
type ClickSigner interface {
	// Sign returns the ctx that names the click.
	Sign(ref ClickRef) string
	// Verify returns the click a ctx names; EINVALIDCTX when it is forged,
	// altered, malformed or expired.
	Verify(ctx string) (ClickRef, error)
}

// NewClickID returns a new click id.
func NewClickID() string { return "clk_" + RandomBase62(20) }

// ClickService stores click events.
type ClickService interface {
	// RecordClicks stores the clicks, adds them to the rollups and to the
	// click counts of their links (but those already Counted), all in one
	// transaction. It sets each click's VisitorHash-based first-visit
	// flags itself.
	RecordClicks(ctx context.Context, clicks []*Click) error
	// VisitorSalt returns the salt of the UTC day starting at day, creating
	// it on first use; salts are deleted two days later.
	VisitorSalt(ctx context.Context, day time.Time) ([]byte, error)
	// PruneClicks deletes click events and hourly rollups older than
	// before, and the visitor salts and visitor sets older than two days,
	// and reports how many click events it deleted.
	PruneClicks(ctx context.Context, before time.Time) (int64, error)
}

// SecretService keeps secrets the instances of a deployment share.
type SecretService interface {
	// Secret returns the named secret, creating it from fresh random bytes
	// on first use; every caller gets the first one created.
	Secret(ctx context.Context, name string) ([]byte, error)
}
