package click

import (
	"strings"
	"sync"

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

	// devices remembers the device of each user agent: parsing one (the
	// crawler patterns above all) costs about half a millisecond, and
	// real traffic has few distinct user agents. It starts over when full.
	mu      sync.RWMutex
	devices map[string]string
}

var _ tenx.VisitClassifier = (*Classifier)(nil)

// NewClassifier classifies with geo (nil: no GeoIP database).
func NewClassifier(geo *GeoIP) *Classifier {
	return &Classifier{parser: useragent.NewParser(), geo: geo, devices: make(map[string]string)}
}

// Country is the visitor's country: the trusted proxy's word, else the
// GeoIP database's, else tenx.UnknownCountry.
func (c *Classifier) Country(ip, proxyCountry string) string {
	return country(c.geo, ip, proxyCountry)
}

// Device is the device class of a user agent (tenx.DeviceBot for bots).
func (c *Classifier) Device(userAgent string) string {
	c.mu.RLock()
	d, ok := c.devices[userAgent]
	c.mu.RUnlock()
	if ok {
		return d
	}
	d = parseUserAgent(c.parser, userAgent).device
	c.mu.Lock()
	if len(c.devices) >= maxUACache {
		clear(c.devices)
	}
	c.devices[userAgent] = d
	c.mu.Unlock()
	return d
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
