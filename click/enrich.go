package click

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"
	"github.com/x-way/crawlerdetect"

	"tenx"
)

// previewBots are link-preview fetchers of chat apps and social networks,
// and search crawlers, named here in case the crawler list misses one: a
// link posted in a chat is fetched by the app before any person clicks it.
var previewBots = regexp.MustCompile(`(?i)facebookexternalhit|facebookcatalog|meta-externalagent|twitterbot|` +
	`linkedinbot|slackbot|slack-imgproxy|telegrambot|whatsapp|discordbot|skypeuripreview|microsoftpreview|` +
	`redditbot|pinterestbot|applebot|iframely|embedly|vkshare|viber|mastodon|cardyb|googlebot|bingbot|` +
	`duckduckbot|yandexbot|baiduspider|google-pagerenderer|headlesschrome`)

// uaInfo is what a user agent says about the visitor.
type uaInfo struct {
	device, browser, os string
	bot                 bool
}

// maxUACache bounds the user agents remembered; the cache starts over when
// full (there are few distinct user agents in practice).
const maxUACache = 10_000

// Enricher turns visits into click events. It is used by one goroutine.
type Enricher struct {
	parser *useragent.Parser
	geo    *GeoIP
	cache  map[string]uaInfo
}

// NewEnricher enriches with the user-agent parser and geo (nil: no GeoIP
// database).
func NewEnricher(geo *GeoIP) *Enricher {
	return &Enricher{parser: useragent.NewParser(), geo: geo, cache: make(map[string]uaInfo)}
}

// Enrich returns v's click event; salt is the visitor salt of v's day.
// Neither the address nor the user agent is kept, only what they tell.
func (e *Enricher) Enrich(v *tenx.Visit, salt []byte) *tenx.Click {
	ua := e.userAgent(v.UserAgent)
	return &tenx.Click{ID: v.ID, Handle: v.Handle, Slug: v.Slug, OccurredAt: v.At, Destination: v.Destination,
		Referrer: referrerHost(v.Referer), Device: ua.device, Browser: ua.browser, OS: ua.os,
		Country: e.country(v), VisitorHash: VisitorHash(salt, v.IP, v.UserAgent), Bot: ua.bot, Counted: v.Counted,
		RuleID: v.RuleID, VariantID: v.VariantID}
}

func (e *Enricher) userAgent(s string) uaInfo {
	if info, ok := e.cache[s]; ok {
		return info
	}
	info := parseUserAgent(e.parser, s)
	if len(e.cache) >= maxUACache {
		clear(e.cache)
	}
	e.cache[s] = info
	return info
}

func parseUserAgent(p *useragent.Parser, s string) uaInfo {
	if strings.TrimSpace(s) == "" {
		return uaInfo{device: tenx.DeviceUnknown, browser: tenx.UnknownName, os: tenx.UnknownName}
	}
	a := p.Parse(s)
	info := uaInfo{device: tenx.DeviceUnknown, browser: name(string(a.Browser())), os: name(string(a.OS()))}
	switch a.Device() {
	case agents.DeviceMobile:
		info.device = tenx.DeviceMobile
	case agents.DeviceTablet:
		info.device = tenx.DeviceTablet
	case agents.DeviceDesktop:
		info.device = tenx.DeviceDesktop
	}
	if a.IsBot() || previewBots.MatchString(s) || crawlerdetect.IsCrawler(s) {
		info.device, info.bot = tenx.DeviceBot, true
	}
	return info
}

func name(s string) string {
	if s == "" {
		return tenx.UnknownName
	}
	return s
}

// referrerHost is the host the visitor came from, lower case, without a
// port; "" when there is none or it is not a web address.
func referrerHost(ref string) string {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if len(h) > 253 || !utf8.ValidString(h) || strings.ContainsRune(h, 0) {
		return ""
	}
	return h
}

// country is the visitor's country: a trusted proxy's word, else the GeoIP
// database's, else unknown.
func (e *Enricher) country(v *tenx.Visit) string { return country(e.geo, v.IP, v.ProxyCountry) }

// isCountry accepts two ASCII letters, but XX (Cloudflare's unknown).
func isCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c != "XX"
}

// VisitorHash identifies a visitor for one day: SHA-256 of the day's
// salt, the address and the user agent. The salt is deleted after two
// days, after which no one can tell whose hash it was.
func VisitorHash(salt []byte, ip, ua string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(ip))
	h.Write([]byte{0})
	h.Write([]byte(ua))
	return hex.EncodeToString(h.Sum(nil)[:16])
}
