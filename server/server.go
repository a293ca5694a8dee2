// Package server is the HTTP face of tenx: Echo wiring, the contract
// middleware (security, body limits, validation against the embedded spec),
// the handlers behind the generated strict interface, and the one mapping
// from errors to the documented envelope.
package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/auth"
	"tenx/gen"
	"tenx/mcp"
	"tenx/ratelimit"
)

// Config holds the server's settings.
type Config struct {
	// MaxBodyBytes bounds JSON request bodies (default 1 MiB).
	MaxBodyBytes int64
	// SignupOpen lets anyone create an account.
	SignupOpen bool
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	TrustedProxies []*net.IPNet
	// LoginPerIP and LoginPerAccount throttle login attempts; SignupPerIP
	// throttles sign-ups.
	LoginPerIP      ratelimit.Limit
	LoginPerAccount ratelimit.Limit
	SignupPerIP     ratelimit.Limit
	// SessionTTL is how long a refresh cookie lives.
	SessionTTL time.Duration
	// PATPerMinute limits each (handle, token, source IP); HandleBurst is
	// shared by all the tokens of one handle; UserPerMinute limits each
	// JWT user.
	PATPerMinute  ratelimit.Limit
	HandleBurst   ratelimit.Limit
	UserPerMinute ratelimit.Limit
	// AuthFailuresPerIP limits failed authentications (bad, forged,
	// revoked or expired credentials) per source IP; over it, every
	// credentialed request from the address is refused (see authFailures).
	AuthFailuresPerIP ratelimit.Limit
	// PublicURL is the base of short links, e.g. https://10x.example.
	PublicURL string
	// CORSOrigins are the exact origins (scheme://host[:port]) whose
	// browsers may call the control plane and auth routes with
	// credentials; none means no CORS.
	CORSOrigins []string
	// DBTimeout is how long a request may wait for the database in all
	// before it answers 503 unavailable (default 5s).
	DBTimeout time.Duration
	// PlansEnabled turns plans on: feature gates and the daily write
	// quota (off: every user has every feature and no quota).
	PlansEnabled bool
	// WritesPerDay overrides the daily write quota of a plan (0: none).
	WritesPerDay map[tenx.Plan]int
	// ConversionsPerIP limits POST /v2/public/conversions per client IP
	// (default 60 a minute).
	ConversionsPerIP ratelimit.Limit
	// FileMaxBytes bounds one file, uploaded or deployed (default 250
	// MiB); HandleQuota bounds what one handle stores in files and
	// deployments together (default 5 GiB; negative is none).
	FileMaxBytes int64
	HandleQuota  int64
	// WebhookAllowHTTP accepts http endpoint URLs (TENX_WEBHOOK_ALLOW_HTTP);
	// otherwise they must be https.
	WebhookAllowHTTP bool
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes:      1 << 20,
		SignupOpen:        true,
		LoginPerIP:        ratelimit.Limit{Name: "login-ip", Rate: 20, Period: time.Minute, Burst: 20},
		LoginPerAccount:   ratelimit.Limit{Name: "login-account", Rate: 10, Period: time.Minute, Burst: 10},
		SignupPerIP:       ratelimit.Limit{Name: "signup-ip", Rate: 20, Period: time.Hour, Burst: 20},
		SessionTTL:        30 * 24 * time.Hour,
		PATPerMinute:      ratelimit.Limit{Name: "pat", Rate: 120, Period: time.Minute},
		HandleBurst:       ratelimit.Limit{Name: "handle", Rate: 600, Period: time.Minute},
		UserPerMinute:     ratelimit.Limit{Name: "user", Rate: 600, Period: time.Minute},
		AuthFailuresPerIP: ratelimit.Limit{Name: "auth-failures", Rate: 60, Period: time.Minute},
		PublicURL:         "http://localhost:8080",
		DBTimeout:         5 * time.Second,
		FileMaxBytes:      tenx.DefaultFileMaxBytes,
		HandleQuota:       tenx.DefaultHandleQuota,
	}
}

// Deps are the services the server calls.
type Deps struct {
	Users    tenx.UserService
	Handles  tenx.HandleService
	Audit    tenx.AuditService
	Links    tenx.LinkService
	DB       tenx.Pinger
	Auth     *auth.Authenticator
	Sessions *auth.Sessions
	PATs     *auth.PATs
	Keys     *auth.KeySet
	Limiter  ratelimit.Limiter
	Logger   *slog.Logger
	// Now is the clock (default time.Now).
	Now tenx.Clock
	// Metrics, when set, is told about requests, authentication and rate
	// limiting.
	Metrics Observer
	// The control plane: account domains and host routing, DNS
	// verification, plans and payments, platform administration.
	Domains     tenx.DomainService
	DomainHosts tenx.DomainHosts
	DNS         tenx.TXTResolver
	Plans       tenx.PlanService
	Payments    tenx.Payments
	Admin       tenx.AdminService
	// Pages, Campaigns and Profiles serve the pages family and the
	// handle's public face (site.go).
	Pages     tenx.PageService
	Campaigns tenx.CampaignService
	Profiles  tenx.ProfileService
	// Clicks takes visits off the request path (nil: FollowLink counts
	// each visit in its own transaction); Analytics answers the queries;
	// ClickSigner signs the ctx of attributed links.
	Clicks      tenx.ClickRecorder
	Analytics   tenx.AnalyticsService
	ClickSigner tenx.ClickSigner
	// Files, Deployments and Blobs hold files and site deployments.
	Files       tenx.FileService
	Deployments tenx.DeploymentService
	Blobs       tenx.BlobStore
	// Personalization holds the handle-wide routing rules; Classifier
	// tells the redirect a visitor's country and device when a rule asks.
	Personalization tenx.PersonalizationService
	Classifier      tenx.VisitClassifier
	// Tracking holds the tracking templates links may carry.
	Tracking tenx.TrackingTemplateService
	// Functions holds the handle's function bindings.
	Functions tenx.FunctionBindingService
	// Usage stores request counts and reads the usage meters.
	Usage tenx.UsageService
	// Chain stores chain signals under their limits.
	Chain tenx.ChainService
	// Origins holds the context origins of the runtime routes' CORS.
	Origins tenx.OriginService
	// Webhooks stores webhook subscriptions and their deliveries.
	Webhooks tenx.WebhookService
}

// Server implements the generated strict server interface.
type Server struct {
	cfg Config
	Deps
	log              *slog.Logger
	contract         *contract
	spec             *servedSpec
	limits           rateLimits
	authFails        *authFailures
	validatorOptions openapi3filter.Options
	streamOptions    openapi3filter.Options // for stream operations: the body is left alone
	echo             *echo.Echo
	signer           urlSigner
	site             *siteCache
	mcp              *mcp.Handler
	usage            usageMeter
}

var _ gen.StrictServerInterface = (*Server)(nil)

// New builds the server and its Echo handler; main and tests both use it.
func New(cfg Config, deps Deps) (*Server, error) {
	c, err := sharedContract()
	if err != nil {
		return nil, err
	}
	c = c.forServer()
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultConfig().MaxBodyBytes
	}
	if cfg.DBTimeout <= 0 {
		cfg.DBTimeout = DefaultConfig().DBTimeout
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if cfg.ConversionsPerIP.Rate <= 0 {
		cfg.ConversionsPerIP = ratelimit.Limit{Name: "conversion-ip", Rate: 60, Period: time.Minute, Burst: 60}
	}
	if cfg.FileMaxBytes <= 0 {
		cfg.FileMaxBytes = DefaultConfig().FileMaxBytes
	}
	spec, err := sharedServedSpec()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, Deps: deps, log: deps.Logger, contract: c, spec: spec, limits: newRateLimits(cfg),
		authFails: newAuthFailures(deps.Limiter, cfg.AuthFailuresPerIP, deps.Now)}
	s.site = newSiteCache(deps.Deployments, deps.Profiles, s.now)
	s.validatorOptions = openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, // enforceContract did it
		MultiError:         false,
	}
	s.streamOptions = s.validatorOptions
	s.streamOptions.ExcludeRequestBody = true
	s.echo = s.newEcho()
	if err := s.newMCP(); err != nil {
		return nil, err
	}
	if err := s.checkRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler is the HTTP handler to serve.
func (s *Server) Handler() http.Handler { return s.echo }

func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(s.cfg.TrustedProxies)
	e.Use(withRequestID, noStore, s.accessLog, rejectAmbiguousFraming, s.recoverPanic, cors(s.cfg.CORSOrigins), s.withDeadline, s.runtimeCORS, s.serveCustomDomain, s.enforceContract)
	gen.RegisterHandlers(e, gen.NewStrictHandler(s, []gen.StrictMiddlewareFunc{s.throttleAuth, s.withVisit}))
	mountPages(e)
	s.mountSite(e)
	s.mountPublishedPages(e)
	s.mountMCP(e)
	return e
}

// ipExtractor believes X-Forwarded-For only from trusted proxies.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// checkRoutes proves that every registered route but the browser pages is
// a spec operation and every spec operation is registered, so nothing
// escapes enforcement.
func (s *Server) checkRoutes() error {
	seen := make(map[route]bool)
	for _, r := range s.echo.Routes() {
		if isPage(r.Path) {
			continue
		}
		key := route{r.Method, r.Path}
		if _, ok := s.contract.ops[key]; !ok {
			return fmt.Errorf("route %s is not in the spec", key)
		}
		seen[key] = true
	}
	for key := range s.contract.ops {
		if !seen[key] {
			return fmt.Errorf("spec operation %s has no route", key)
		}
	}
	return nil
}
