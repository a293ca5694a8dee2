package click

import (
	"strings"

	"github.com/medama-io/go-useragent"

	"tenx"
)

// Classifier tells the redirect what its routing rules test about a
// visitor, with the same functions the click events are enriched with, so
// a rule sees the country and device the click is counted under. It is
// safe for concurrent use.
type Classifier struct {
	parser *useragent.Parser
	geo    *GeoIP
}

var _ tenx.VisitClassifier = (*Classifier)(nil)

// NewClassifier classifies with geo (nil: no GeoIP database).
func NewClassifier(geo *GeoIP) *Classifier {
	return &Classifier{parser: useragent.NewParser(), geo: geo}
}

// Country is the visitor's country: the trusted proxy's word, else the
// GeoIP database's, else tenx.UnknownCountry.
func (c *Classifier) Country(ip, proxyCountry string) string {
	return country(c.geo, ip, proxyCountry)
}

// Device is the device class of a user agent (tenx.DeviceBot for bots).
func (c *Classifier) Device(userAgent string) string {
	return parseUserAgent(c.parser, userAgent).device
}

// ReferrerHost is the host a Referer names, lower case; "" when none.
func (c *Classifier) ReferrerHost(referer string) string { return referrerHost(referer) }

// country is the shared rule of Classifier and Enricher.
func country(geo *GeoIP, ip, proxyCountry string) string {
	if c := strings.ToUpper(proxyCountry); isCountry(c) {
		return c
	}
	if c := geo.Country(ip); isCountry(c) {
		return c
	}
	return tenx.UnknownCountry
}
