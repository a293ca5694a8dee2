package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// config is every setting of the binary, read from the environment.
type config struct {
	Addr            string
	DatabaseURL     string
	DataDir         string
	PublicURL       string
	PublicURLSet    bool // TENX_PUBLIC_URL was given; else derived from the listen address
	RedisURL        string
	SignupOpen      bool
	AdminEmail      string
	AdminPassword   string
	LogLevel        slog.Level
	AutoMigrate     bool
	TrustedProxies  []*net.IPNet
	AccessTTL       time.Duration
	MaxBodyBytes    int64
	PATPerMinute    int
	HandleBurst     int
	UserPerMinute   int
	HashConcurrency int // argon2id computations at once; 0 derives it from CPUs and GOMEMLIMIT
	RefreshGrace    time.Duration
	DBTimeout       time.Duration
	AuthFailures    int // failed authentications a minute per source IP
	CORSOrigins     []string
	MetricsAddr     string        // empty: no metrics
	DBMaxConns      int           // 0: the store's default
	DBConnLifetime  time.Duration // how long a pooled connection is reused
	Control         controlConfig // config_control.go
	Webhooks        webhookConfig // config_webhook.go

	// Click analytics: the MaxMind-format country database, and how long
	// raw click events are kept.
	GeoIPDB            string
	ClickRetentionDays int
	// BlobURL names the blob store (default a directory under DataDir);
	// FileMaxBytes, HandleQuota and KeepDeployments bound what it holds.
	BlobURL         string
	FileMaxBytes    int64
	HandleQuota     int64
	KeepDeployments int
}

// loadConfig reads and validates the TENX_* environment variables.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:          env("TENX_ADDR", ":8080"),
		DataDir:       env("TENX_DATA_DIR", "./data"),
		RedisURL:      env("TENX_REDIS_URL", ""),
		AdminEmail:    env("TENX_ADMIN_EMAIL", ""),
		AdminPassword: getenv("TENX_ADMIN_PASSWORD"),
		MetricsAddr:   env("TENX_METRICS_ADDR", ""),
	}
	c.DatabaseURL = env("TENX_DATABASE_URL", "sqlite:"+strings.TrimSuffix(c.DataDir, "/")+"/tenx.db")
	c.BlobURL = env("TENX_BLOB_URL", strings.TrimSuffix(c.DataDir, "/")+"/blobs")
	c.PublicURL = strings.TrimSuffix(env("TENX_PUBLIC_URL", publicURLFor(c.Addr)), "/")
	c.PublicURLSet = env("TENX_PUBLIC_URL", "") != ""
	var errs []error
	switch env("TENX_SIGNUP", "open") {
	case "open":
		c.SignupOpen = true
	case "closed":
	default:
		errs = append(errs, errors.New("TENX_SIGNUP must be open or closed"))
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("TENX_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, errors.New("TENX_LOG_LEVEL must be debug, info, warn or error"))
	}
	var err error
	if c.AutoMigrate, err = strconv.ParseBool(env("TENX_AUTO_MIGRATE", "true")); err != nil {
		errs = append(errs, errors.New("TENX_AUTO_MIGRATE must be true or false"))
	}
	if c.AccessTTL, err = time.ParseDuration(env("TENX_ACCESS_TOKEN_TTL", "15m")); err != nil || c.AccessTTL < time.Minute || c.AccessTTL > 24*time.Hour {
		errs = append(errs, errors.New("TENX_ACCESS_TOKEN_TTL must be a duration between 1m and 24h"))
	}
	if c.DBTimeout, err = time.ParseDuration(env("TENX_DB_TIMEOUT", "5s")); err != nil || c.DBTimeout < 100*time.Millisecond || c.DBTimeout > 5*time.Minute {
		errs = append(errs, errors.New("TENX_DB_TIMEOUT must be a duration between 100ms and 5m"))
	}
	if c.RefreshGrace, err = time.ParseDuration(env("TENX_REFRESH_GRACE", "10s")); err != nil || c.RefreshGrace < 0 || c.RefreshGrace > time.Minute {
		errs = append(errs, errors.New("TENX_REFRESH_GRACE must be a duration between 0s and 1m"))
	}
	errs = append(errs, c.loadPool(env)...)
	errs = append(errs, c.loadWebhooks(env)...)
	if c.MaxBodyBytes, err = strconv.ParseInt(env("TENX_MAX_BODY_BYTES", "1048576"), 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("TENX_MAX_BODY_BYTES must be an integer of at least 1024"))
	}
	for _, l := range []struct {
		key, def string
		dst      *int
	}{
		{"TENX_RATELIMIT_PAT_PER_MINUTE", "120", &c.PATPerMinute},
		{"TENX_RATELIMIT_HANDLE_BURST", "600", &c.HandleBurst},
		{"TENX_RATELIMIT_USER_PER_MINUTE", "600", &c.UserPerMinute},
		{"TENX_RATELIMIT_AUTH_FAILURES_PER_MINUTE", "60", &c.AuthFailures},
	} {
		if *l.dst, err = strconv.Atoi(env(l.key, l.def)); err != nil || *l.dst < 1 {
			errs = append(errs, fmt.Errorf("%s must be a positive integer", l.key))
		}
	}
	if c.HashConcurrency, err = strconv.Atoi(env("TENX_PASSWORD_HASH_CONCURRENCY", "0")); err != nil || c.HashConcurrency < 0 {
		errs = append(errs, errors.New("TENX_PASSWORD_HASH_CONCURRENCY must be a non-negative integer"))
	}
	errs = append(errs, c.loadStorageLimits(env)...)
	if c.TrustedProxies, err = parseCIDRs(env("TENX_TRUSTED_PROXIES", "")); err != nil {
		errs = append(errs, err)
	}
	if c.CORSOrigins, err = parseOrigins(env("TENX_CORS_ORIGINS", "")); err != nil {
		errs = append(errs, err)
	}
	c.GeoIPDB = env("TENX_GEOIP_DB", "")
	if c.ClickRetentionDays, err = strconv.Atoi(env("TENX_CLICK_RETENTION_DAYS", "400")); err != nil ||
		c.ClickRetentionDays < 1 || c.ClickRetentionDays > 3650 {
		errs = append(errs, errors.New("TENX_CLICK_RETENTION_DAYS must be an integer from 1 to 3650"))
	}
	errs = append(errs, c.validateURLs()...)
	var cerrs []error
	c.Control, cerrs = loadControlConfig(env)
	errs = append(errs, cerrs...)
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("TENX_ADMIN_EMAIL and TENX_ADMIN_PASSWORD must be set together"))
	}
	return c, errors.Join(errs...)
}

// loadPool reads the database pool's settings.
func (c *config) loadPool(env func(key, def string) string) []error {
	var errs []error
	var err error
	if c.DBMaxConns, err = strconv.Atoi(env("TENX_DB_MAX_CONNS", "0")); err != nil || c.DBMaxConns < 0 || c.DBMaxConns > 1000 {
		errs = append(errs, errors.New("TENX_DB_MAX_CONNS must be an integer from 0 (the default) to 1000"))
	}
	if c.DBConnLifetime, err = time.ParseDuration(env("TENX_DB_CONN_LIFETIME", "1h")); err != nil || c.DBConnLifetime < time.Second {
		errs = append(errs, errors.New("TENX_DB_CONN_LIFETIME must be a duration of at least 1s"))
	}
	return errs
}

func (c config) validateURLs() []error {
	var errs []error
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("TENX_DATABASE_URL must start with sqlite: or postgres://"))
	} else if _, err := url.Parse(c.DatabaseURL); err != nil {
		// Not quoted: the URL may hold a password.
		errs = append(errs, errors.New("TENX_DATABASE_URL is not a valid URL (escape special characters in the password)"))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("TENX_PUBLIC_URL must be an absolute http(s) URL"))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		errs = append(errs, errors.New("TENX_REDIS_URL must start with redis:// or rediss://"))
	}
	return errs
}

func publicURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func parseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			if strings.Contains(s, ":") {
				s += "/128"
			} else {
				s += "/32"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("TENX_TRUSTED_PROXIES: %q is not an IP or CIDR", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseOrigins reads a comma-separated list of exact origins. Each must be
// what a browser sends in Origin: scheme://host[:port], nothing more, and
// never a wildcard (credentials are allowed to these origins).
func parseOrigins(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		o, ok := origin(s)
		if !ok {
			return nil, fmt.Errorf("TENX_CORS_ORIGINS: %q is not an origin: want scheme://host[:port], http or https, no path and no *", s)
		}
		out = append(out, o)
	}
	return out, nil
}

// origin returns s as a browser serialises it (lower case, no default
// port), if s is an origin.
func origin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || strings.Contains(s, "*") || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || u.Opaque != "" || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
		strings.HasSuffix(s, "#") {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return u.Scheme + "://" + host, true
}

// LogValue masks secrets so the config can be logged.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("database_url", maskURL(c.DatabaseURL)),
		slog.String("public_url", c.PublicURL),
		slog.String("redis_url", maskURL(c.RedisURL)),
		slog.Bool("signup_open", c.SignupOpen),
		slog.String("admin_email", c.AdminEmail),
		slog.Bool("auto_migrate", c.AutoMigrate),
		slog.Int("trusted_proxies", len(c.TrustedProxies)),
		slog.String("access_token_ttl", c.AccessTTL.String()),
		slog.String("db_timeout", c.DBTimeout.String()),
		slog.Int("ratelimit_pat_per_minute", c.PATPerMinute),
		slog.Int("ratelimit_handle_burst", c.HandleBurst),
		slog.Int("ratelimit_user_per_minute", c.UserPerMinute),
		slog.Int("ratelimit_auth_failures_per_minute", c.AuthFailures),
		slog.Any("cors_origins", c.CORSOrigins),
		slog.Int("password_hash_concurrency", c.HashConcurrency),
		slog.String("refresh_grace", c.RefreshGrace.String()),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.String("db_conn_lifetime", c.DBConnLifetime.String()),
		slog.Any("control", c.Control),
		slog.String("geoip_db", c.GeoIPDB),
		slog.Int("click_retention_days", c.ClickRetentionDays),
		slog.String("blob_url", maskURL(c.BlobURL)),
		slog.Int64("file_max_bytes", c.FileMaxBytes),
		slog.Int64("handle_quota_bytes", c.HandleQuota),
		slog.Int("site_keep_deployments", c.KeepDeployments),
		slog.Any("webhooks", c.Webhooks),
	)
}

// maskURL hides the passwords of a URL: in its userinfo and in a
// password= query parameter (lib/pq takes both). A URL that does not parse
// is hidden whole.
func maskURL(s string) string {
	if s == "" {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL hidden)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
