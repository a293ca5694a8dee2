package main

import (
	"errors"
	"log/slog"
	"strconv"
)

// webhookConfig is the configuration of webhook delivery and of the
// background workers.
type webhookConfig struct {
	// AllowHTTP accepts http endpoints; AllowPrivate lets deliveries reach
	// loopback, private and link-local addresses.
	AllowHTTP, AllowPrivate bool
	// Workers runs the background workers inside tenx serve (TENX_WORKERS
	// on, the default); off leaves them to a tenx worker process.
	Workers bool
}

// loadWebhooks reads TENX_WEBHOOK_ALLOW_HTTP, TENX_WEBHOOK_ALLOW_PRIVATE
// and TENX_WORKERS.
func (c *config) loadWebhooks(env func(key, def string) string) []error {
	var errs []error
	var err error
	if c.Webhooks.AllowHTTP, err = strconv.ParseBool(env("TENX_WEBHOOK_ALLOW_HTTP", "false")); err != nil {
		errs = append(errs, errors.New("TENX_WEBHOOK_ALLOW_HTTP must be true or false"))
	}
	if c.Webhooks.AllowPrivate, err = strconv.ParseBool(env("TENX_WEBHOOK_ALLOW_PRIVATE", "false")); err != nil {
		errs = append(errs, errors.New("TENX_WEBHOOK_ALLOW_PRIVATE must be true or false"))
	}
	switch env("TENX_WORKERS", "on") {
	case "on":
		c.Webhooks.Workers = true
	case "off":
	default:
		errs = append(errs, errors.New("TENX_WORKERS must be on or off"))
	}
	return errs
}

// LogValue lets the config log this part.
func (w webhookConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("allow_http", w.AllowHTTP), slog.Bool("allow_private", w.AllowPrivate),
		slog.Bool("workers", w.Workers))
}
