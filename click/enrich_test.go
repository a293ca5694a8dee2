package click_test

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"tenx"
	"tenx/click"
)

const (
	iPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	iPad    = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
	windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	mac     = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0"
)

// MustWriteGeoIP writes a tiny MaxMind-format country database: 81.2.69.0/24
// is GB, 2001:db8:1::/48 is DE... (documentation ranges are reserved, so a
// public range stands in for IPv6: 2a02:ff0::/32 is DE).
func MustWriteGeoIP(tb testing.TB) string {
	tb.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-Country", RecordSize: 24})
	if err != nil {
		tb.Fatal(err)
	}
	for cidr, iso := range map[string]string{"81.2.69.0/24": "GB", "2a02:ff0::/32": "DE", "89.160.20.0/24": "SE"} {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			tb.Fatal(err)
		}
		rec := mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(iso)}}
		if err := w.Insert(n, rec); err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(tb.TempDir(), "country.mmdb")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := w.WriteTo(f); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestEnrichDevicesAndBots(t *testing.T) {
	e := click.NewEnricher(nil)
	salt := []byte("salt")
	tests := []struct {
		name, ua, device, browser, os string
		bot                           bool
	}{
		{"iPhone", iPhone, tenx.DeviceMobile, "Safari", "iOS", false},
		{"Android", android, tenx.DeviceMobile, "Chrome", "Android", false},
		{"iPad", iPad, tenx.DeviceTablet, "Safari", "iOS", false},
		{"Windows", windows, tenx.DeviceDesktop, "Chrome", "Windows", false},
		{"Mac", mac, tenx.DeviceDesktop, "Firefox", "MacOS", false},
		{"no user agent", "", tenx.DeviceUnknown, tenx.UnknownName, tenx.UnknownName, false},
		{"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", tenx.DeviceBot, "", "", true},
		{"curl", "curl/8.5.0", tenx.DeviceBot, "", "", true},
		{"Slack preview", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", tenx.DeviceBot, "", "", true},
		{"WhatsApp preview", "WhatsApp/2.23.20.0", tenx.DeviceBot, "", "", true},
		{"Telegram preview", "TelegramBot (like TwitterBot)", tenx.DeviceBot, "", "", true},
		{"Discord preview", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", tenx.DeviceBot, "", "", true},
		{"Facebook preview", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", tenx.DeviceBot, "", "", true},
		{"X preview", "Twitterbot/1.0", tenx.DeviceBot, "", "", true},
		{"LinkedIn preview", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", tenx.DeviceBot, "", "", true},
		{"iMessage preview", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", tenx.DeviceBot, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.Enrich(&tenx.Visit{UserAgent: tt.ua, IP: "203.0.113.9"}, salt)
			if c.Device != tt.device || c.Bot != tt.bot {
				t.Fatalf("device %s bot %v, want %s %v", c.Device, c.Bot, tt.device, tt.bot)
			}
			if tt.browser != "" && (c.Browser != tt.browser || c.OS != tt.os) {
				t.Fatalf("browser %q os %q, want %q %q", c.Browser, c.OS, tt.browser, tt.os)
			}
		})
	}
}

func TestEnrichCountry(t *testing.T) {
	geo, err := click.OpenGeoIP(MustWriteGeoIP(t))
	if err != nil {
		t.Fatal(err)
	}
	defer geo.Close()
	with, without := click.NewEnricher(geo), click.NewEnricher(nil)
	tests := []struct {
		name     string
		e        *click.Enricher
		ip, cf   string
		expected string
	}{
		{"trusted proxy header", with, "81.2.69.10", "fr", "FR"},
		{"GeoIP v4", with, "81.2.69.10", "", "GB"},
		{"GeoIP v6", with, "2a02:ff0::1", "", "DE"},
		{"GeoIP v4-mapped v6", with, "::ffff:89.160.20.7", "", "SE"},
		{"proxy says unknown", with, "81.2.69.10", "XX", "GB"},
		{"Tor per proxy", with, "192.0.2.1", "T1", "ZZ"},
		{"not in the database", with, "192.0.2.1", "", "ZZ"},
		{"no database", without, "81.2.69.10", "", "ZZ"},
		{"not an address", with, "nonsense", "", "ZZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.e.Enrich(&tenx.Visit{IP: tt.ip, ProxyCountry: tt.cf}, nil)
			if c.Country != tt.expected {
				t.Fatalf("country %q, want %q", c.Country, tt.expected)
			}
		})
	}
	if _, err := click.OpenGeoIP(filepath.Join(t.TempDir(), "missing.mmdb")); err == nil {
		t.Fatal("opened a missing database")
	}
}

func TestEnrichReferrerAndVisitor(t *testing.T) {
	e := click.NewEnricher(nil)
	for ref, want := range map[string]string{
		"https://www.Example.com:8443/path?q=1": "www.example.com",
		"http://t.co/abc":                       "t.co",
		"android-app://com.slack":               "",
		"not a url":                             "",
		"":                                      "",
	} {
		if got := e.Enrich(&tenx.Visit{Referer: ref}, nil).Referrer; got != want {
			t.Errorf("referrer of %q: %q, want %q", ref, got, want)
		}
	}
	a := e.Enrich(&tenx.Visit{IP: "203.0.113.9", UserAgent: windows}, []byte("day one"))
	b := e.Enrich(&tenx.Visit{IP: "203.0.113.9", UserAgent: windows}, []byte("day one"))
	c := e.Enrich(&tenx.Visit{IP: "203.0.113.9", UserAgent: windows}, []byte("day two"))
	d := e.Enrich(&tenx.Visit{IP: "203.0.113.10", UserAgent: windows}, []byte("day one"))
	if a.VisitorHash != b.VisitorHash || a.VisitorHash == c.VisitorHash || a.VisitorHash == d.VisitorHash {
		t.Fatalf("visitor hashes %s %s %s %s", a.VisitorHash, b.VisitorHash, c.VisitorHash, d.VisitorHash)
	}
	if len(a.VisitorHash) != 32 {
		t.Fatalf("hash %q", a.VisitorHash)
	}
}

// TestClassifierAgreesWithEnricher: the redirect's rules see the device
// and country the click is recorded with, asked once or twice (cached).
func TestClassifierAgreesWithEnricher(t *testing.T) {
	c, e := click.NewClassifier(nil), click.NewEnricher(nil)
	for _, ua := range []string{"", "Twitterbot/1.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 " +
		"(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "curl/8.0"} {
		for _, country := range []string{"", "de", "XX", "ZZZ"} {
			v := &tenx.Visit{UserAgent: ua, ProxyCountry: country, IP: "192.0.2.1", Referer: "https://T.co/x"}
			want := e.Enrich(v, []byte("salt"))
			for range 2 {
				if d := c.Device(ua); d != want.Device {
					t.Errorf("%q: device %s, enricher %s", ua, d, want.Device)
				}
			}
			if got := c.Country(v.IP, v.ProxyCountry); got != want.Country {
				t.Errorf("%q: country %s, enricher %s", country, got, want.Country)
			}
			if got := c.ReferrerHost(v.Referer); got != want.Referrer {
				t.Errorf("referrer %s, enricher %s", got, want.Referrer)
			}
		}
	}
}
