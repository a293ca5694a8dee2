package main

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// defaultConfig is what an empty environment yields.
func defaultConfig() config {
	return config{
		Addr:          ":8080",
		DatabaseURL:   "sqlite:./data/tenx.db",
		DataDir:       "./data",
		PublicURL:     "http://localhost:8080",
		SignupOpen:    true,
		LogLevel:      slog.LevelInfo,
		AutoMigrate:   true,
		AccessTTL:     15 * time.Minute,
		DBTimeout:     5 * time.Second,
		MaxBodyBytes:  1 << 20,
		RefreshGrace:  10 * time.Second,
		PATPerMinute:  120,
		HandleBurst:   600,
		UserPerMinute: 600,
		AuthFailures:  60,
		// DBMaxConns 0 and MetricsAddr "": the store's pool, no metrics.
		DBConnLifetime: time.Hour,

		ClickRetentionDays: 400,
		BlobURL:            "./data/blobs",
		FileMaxBytes:       250 << 20,
		HandleQuota:        5 << 30,
		KeepDeployments:    10,
		Webhooks:           webhookConfig{Workers: true, Deliverers: 50},
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		// edit turns the defaults into the wanted config.
		edit func(*config)
	}{
		{name: "defaults", edit: func(*config) {}},
		{
			name: "webhooks and workers",
			env: map[string]string{"TENX_WEBHOOK_ALLOW_HTTP": "true", "TENX_WEBHOOK_ALLOW_PRIVATE": "true",
				"TENX_WORKERS": "off", "TENX_WEBHOOK_WORKERS": "200"},
			edit: func(c *config) { c.Webhooks = webhookConfig{AllowHTTP: true, AllowPrivate: true, Deliverers: 200} },
		},
		{
			name: "metrics and pool",
			env: map[string]string{"TENX_METRICS_ADDR": "127.0.0.1:9090", "TENX_DB_MAX_CONNS": "50",
				"TENX_DB_CONN_LIFETIME": "10m"},
			edit: func(c *config) { c.MetricsAddr, c.DBMaxConns, c.DBConnLifetime = "127.0.0.1:9090", 50, 10*time.Minute },
		},
		{
			name: "data dir moves the default database",
			env:  map[string]string{"TENX_DATA_DIR": "/var/lib/tenx/"},
			edit: func(c *config) {
				c.DataDir = "/var/lib/tenx/"
				c.DatabaseURL = "sqlite:/var/lib/tenx/tenx.db"
				c.BlobURL = "/var/lib/tenx/blobs"
			},
		},
		{
			name: "explicit database wins over data dir",
			env:  map[string]string{"TENX_DATA_DIR": "/srv", "TENX_DATABASE_URL": "postgres://h/db"},
			edit: func(c *config) { c.DataDir, c.DatabaseURL, c.BlobURL = "/srv", "postgres://h/db", "/srv/blobs" },
		},
		{
			name: "public url follows the address",
			env:  map[string]string{"TENX_ADDR": "127.0.0.1:9000"},
			edit: func(c *config) { c.Addr, c.PublicURL = "127.0.0.1:9000", "http://127.0.0.1:9000" },
		},
		{
			name: "public url of a wildcard address is localhost",
			env:  map[string]string{"TENX_ADDR": "0.0.0.0:9000"},
			edit: func(c *config) { c.Addr, c.PublicURL = "0.0.0.0:9000", "http://localhost:9000" },
		},
		{
			name: "explicit public url loses its trailing slash",
			env:  map[string]string{"TENX_PUBLIC_URL": "https://api.example.com/"},
			edit: func(c *config) { c.PublicURL, c.PublicURLSet = "https://api.example.com", true },
		},
		{
			name: "everything set",
			env: map[string]string{
				"TENX_SIGNUP": "closed", "TENX_LOG_LEVEL": "debug", "TENX_AUTO_MIGRATE": "false",
				"TENX_ACCESS_TOKEN_TTL": "1h", "TENX_MAX_BODY_BYTES": "2048",
				"TENX_REDIS_URL": "rediss://cache:6380", "TENX_DATABASE_URL": "postgresql://h/db",
				"TENX_ADMIN_EMAIL": "root@example.com", "TENX_ADMIN_PASSWORD": "long enough pw",
				"TENX_RATELIMIT_PAT_PER_MINUTE": "30", "TENX_RATELIMIT_HANDLE_BURST": "40",
				"TENX_RATELIMIT_USER_PER_MINUTE": "50", "TENX_DB_TIMEOUT": "2500ms",
				"TENX_PASSWORD_HASH_CONCURRENCY":          "3",
				"TENX_REFRESH_GRACE":                      "0s",
				"TENX_RATELIMIT_AUTH_FAILURES_PER_MINUTE": "7",
				"TENX_GEOIP_DB":                           "/var/lib/GeoLite2-Country.mmdb", "TENX_CLICK_RETENTION_DAYS": "30",
			},
			edit: func(c *config) {
				c.SignupOpen, c.LogLevel, c.AutoMigrate = false, slog.LevelDebug, false
				c.AccessTTL, c.MaxBodyBytes = time.Hour, 2048
				c.RedisURL, c.DatabaseURL = "rediss://cache:6380", "postgresql://h/db"
				c.AdminEmail, c.AdminPassword = "root@example.com", "long enough pw"
				c.PATPerMinute, c.HandleBurst, c.UserPerMinute, c.AuthFailures = 30, 40, 50, 7
				c.DBTimeout = 2500 * time.Millisecond
				c.HashConcurrency, c.RefreshGrace = 3, 0
				c.GeoIPDB, c.ClickRetentionDays = "/var/lib/GeoLite2-Country.mmdb", 30
			},
		},
		{
			name: "trusted proxies take IPs and CIDRs",
			env:  map[string]string{"TENX_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,::1,fd00::/8,"},
			edit: func(c *config) {
				c.TrustedProxies = []*net.IPNet{mustCIDR(t, "10.0.0.1/32"), mustCIDR(t, "192.168.0.0/16"),
					mustCIDR(t, "::1/128"), mustCIDR(t, "fd00::/8")}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadConfig(mapEnv(tt.env))
			if err != nil {
				t.Fatalf("loadConfig: %v", err)
			}
			want := defaultConfig()
			tt.edit(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		// want are substrings of the one joined error, one per problem.
		want []string
	}{
		{name: "signup", env: map[string]string{"TENX_SIGNUP": "maybe"}, want: []string{"TENX_SIGNUP"}},
		{name: "log level", env: map[string]string{"TENX_LOG_LEVEL": "loud"}, want: []string{"TENX_LOG_LEVEL"}},
		{name: "auto migrate", env: map[string]string{"TENX_AUTO_MIGRATE": "perhaps"}, want: []string{"TENX_AUTO_MIGRATE"}},
		{name: "webhooks", env: map[string]string{"TENX_WEBHOOK_ALLOW_HTTP": "yes", "TENX_WEBHOOK_ALLOW_PRIVATE": "2",
			"TENX_WORKERS": "maybe"}, want: []string{"TENX_WEBHOOK_ALLOW_HTTP", "TENX_WEBHOOK_ALLOW_PRIVATE", "TENX_WORKERS"}},
		{name: "webhook workers zero", env: map[string]string{"TENX_WEBHOOK_WORKERS": "0"}, want: []string{"TENX_WEBHOOK_WORKERS"}},
		{name: "webhook workers too many", env: map[string]string{"TENX_WEBHOOK_WORKERS": "1001"}, want: []string{"TENX_WEBHOOK_WORKERS"}},
		{name: "webhook workers not a number", env: map[string]string{"TENX_WEBHOOK_WORKERS": "lots"}, want: []string{"TENX_WEBHOOK_WORKERS"}},
		{name: "database", env: map[string]string{"TENX_DATABASE_URL": "mysql://x"}, want: []string{"TENX_DATABASE_URL"}},
		{name: "public url scheme", env: map[string]string{"TENX_PUBLIC_URL": "ftp://x"}, want: []string{"TENX_PUBLIC_URL"}},
		{name: "public url relative", env: map[string]string{"TENX_PUBLIC_URL": "/api"}, want: []string{"TENX_PUBLIC_URL"}},
		{name: "redis", env: map[string]string{"TENX_REDIS_URL": "http://x"}, want: []string{"TENX_REDIS_URL"}},
		{name: "ttl too short", env: map[string]string{"TENX_ACCESS_TOKEN_TTL": "5s"}, want: []string{"TENX_ACCESS_TOKEN_TTL"}},
		{name: "ttl too long", env: map[string]string{"TENX_ACCESS_TOKEN_TTL": "25h"}, want: []string{"TENX_ACCESS_TOKEN_TTL"}},
		{name: "ttl not a duration", env: map[string]string{"TENX_ACCESS_TOKEN_TTL": "15"}, want: []string{"TENX_ACCESS_TOKEN_TTL"}},
		{name: "db timeout too short", env: map[string]string{"TENX_DB_TIMEOUT": "1ms"}, want: []string{"TENX_DB_TIMEOUT"}},
		{name: "db timeout not a duration", env: map[string]string{"TENX_DB_TIMEOUT": "5"}, want: []string{"TENX_DB_TIMEOUT"}},
		{name: "db max conns", env: map[string]string{"TENX_DB_MAX_CONNS": "-1"}, want: []string{"TENX_DB_MAX_CONNS"}},
		{name: "db conn lifetime", env: map[string]string{"TENX_DB_CONN_LIFETIME": "1ms"},
			want: []string{"TENX_DB_CONN_LIFETIME"}},
		{name: "no click retention", env: map[string]string{"TENX_CLICK_RETENTION_DAYS": "0"}, want: []string{"TENX_CLICK_RETENTION_DAYS"}},
		{name: "click retention not a number", env: map[string]string{"TENX_CLICK_RETENTION_DAYS": "1y"}, want: []string{"TENX_CLICK_RETENTION_DAYS"}},
		{name: "body too small", env: map[string]string{"TENX_MAX_BODY_BYTES": "10"}, want: []string{"TENX_MAX_BODY_BYTES"}},
		{name: "body not a number", env: map[string]string{"TENX_MAX_BODY_BYTES": "1MB"}, want: []string{"TENX_MAX_BODY_BYTES"}},
		{name: "pat rate", env: map[string]string{"TENX_RATELIMIT_PAT_PER_MINUTE": "0"},
			want: []string{"TENX_RATELIMIT_PAT_PER_MINUTE"}},
		{name: "handle burst", env: map[string]string{"TENX_RATELIMIT_HANDLE_BURST": "lots"},
			want: []string{"TENX_RATELIMIT_HANDLE_BURST"}},
		{name: "user rate", env: map[string]string{"TENX_RATELIMIT_USER_PER_MINUTE": "-5"},
			want: []string{"TENX_RATELIMIT_USER_PER_MINUTE"}},
		{name: "refresh grace", env: map[string]string{"TENX_REFRESH_GRACE": "2m"}, want: []string{"TENX_REFRESH_GRACE"}},
		{name: "hash concurrency", env: map[string]string{"TENX_PASSWORD_HASH_CONCURRENCY": "-1"},
			want: []string{"TENX_PASSWORD_HASH_CONCURRENCY"}},
		{name: "auth failures rate", env: map[string]string{"TENX_RATELIMIT_AUTH_FAILURES_PER_MINUTE": "0"},
			want: []string{"TENX_RATELIMIT_AUTH_FAILURES_PER_MINUTE"}},
		{name: "proxy", env: map[string]string{"TENX_TRUSTED_PROXIES": "10.0.0.1,not-an-ip"},
			want: []string{"TENX_TRUSTED_PROXIES", "not-an-ip"}},
		{name: "admin email alone", env: map[string]string{"TENX_ADMIN_EMAIL": "root@example.com"},
			want: []string{"TENX_ADMIN_PASSWORD"}},
		{name: "admin password alone", env: map[string]string{"TENX_ADMIN_PASSWORD": "long enough pw"},
			want: []string{"TENX_ADMIN_EMAIL"}},
		{
			name: "several at once",
			env: map[string]string{"TENX_SIGNUP": "maybe", "TENX_LOG_LEVEL": "loud",
				"TENX_MAX_BODY_BYTES": "10", "TENX_DATABASE_URL": "mysql://x"},
			want: []string{"TENX_SIGNUP", "TENX_LOG_LEVEL", "TENX_MAX_BODY_BYTES", "TENX_DATABASE_URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(mapEnv(tt.env))
			if err == nil {
				t.Fatalf("no error, want one naming %v", tt.want)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not name %s:\n%v", want, err)
				}
			}
		})
	}
}

// TestConfigLogMasksSecrets logs the config the way serve does and looks
// for the secrets in the output.
func TestConfigLogMasksSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		secrets []string
	}{
		{
			name: "passwords in urls and the admin password",
			env: map[string]string{
				"TENX_ADMIN_EMAIL":    "root@example.com",
				"TENX_ADMIN_PASSWORD": "supersecret-value",
				"TENX_DATABASE_URL":   "postgres://u:dbsecret@h/db",
				"TENX_REDIS_URL":      "redis://:redissecret@h:6379",
			},
			secrets: []string{"supersecret-value", "dbsecret", "redissecret"},
		},
		{
			name:    "password in the query of a postgres url",
			env:     map[string]string{"TENX_DATABASE_URL": "postgres://u@h/db?sslmode=disable&password=querysecret"},
			secrets: []string{"querysecret"},
		},
		{
			name:    "password in a url that does not parse",
			env:     map[string]string{"TENX_DATABASE_URL": "postgres://u:bad secret%zz@h/db"},
			secrets: []string{"bad secret"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(mapEnv(tt.env))
			if err != nil { // refused: the refusal must not quote the secret either
				for _, s := range tt.secrets {
					if strings.Contains(err.Error(), s) {
						t.Errorf("secret %q is in the error: %v", s, err)
					}
				}
				return
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting tenx", "config", cfg)
			if !strings.Contains(buf.String(), `"database_url"`) {
				t.Fatalf("config not logged as a group:\n%s", buf.String())
			}
			for _, s := range tt.secrets {
				if strings.Contains(buf.String(), s) {
					t.Errorf("secret %q is in the log:\n%s", s, buf.String())
				}
			}
		})
	}
}

func mustCIDR(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
