package main

import (
	"errors"
	"fmt"
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
	// Deliverers is how many deliveries an instance's workers make at
	// once (TENX_WEBHOOK_WORKERS): each waits on a receiver for up to the
	// 10 s timeout, so they are many and cheap.
	Deliverers int
}

// maxDeliverers bounds TENX_WEBHOOK_WORKERS.
const maxDeliverers = 1000

// loadWebhooks reads TENX_WEBHOOK_ALLOW_HTTP, TENX_WEBHOOK_ALLOW_PRIVATE,
// TENX_WEBHOOK_WORKERS and TENX_WORKERS.
func (c *config) loadWebhooks(env func(key, def string) string) []error {
	var errs []error
	var err error
	if c.Webhooks.AllowHTTP, err = strconv.ParseBool(env("TENX_WEBHOOK_ALLOW_HTTP", "false")); err != nil {
		errs = append(errs, errors.New("TENX_WEBHOOK_ALLOW_HTTP must be true or false"))
	}
	if c.Webhooks.AllowPrivate, err = strconv.ParseBool(env("TENX_WEBHOOK_ALLOW_PRIVATE", "false")); err != nil {
		errs = append(errs, errors.New("TENX_WEBHOOK_ALLOW_PRIVATE must be true or false"))
	}
	if c.Webhooks.Deliverers, err = strconv.Atoi(env("TENX_WEBHOOK_WORKERS", "50")); err != nil ||
		c.Webhooks.Deliverers < 1 || c.Webhooks.Deliverers > maxDeliverers {
		errs = append(errs, fmt.Errorf("TENX_WEBHOOK_WORKERS must be an integer from 1 to %d", maxDeliverers))
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
		slog.Bool("workers", w.Workers), slog.Int("deliverers", w.Deliverers))
}
