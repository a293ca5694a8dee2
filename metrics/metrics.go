// Package metrics exposes tenx's Prometheus metrics: requests by route and
// status with latency histograms, authentication outcomes by code,
// rate-limit decisions, cache hits and misses, database pool statistics,
// and any gauge another part registers (a queue's depth, say). It is served
// on its own listen address (TENX_METRICS_ADDR), never on the API's.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry of tenx's metrics. It implements server.Observer.
type Metrics struct {
	reg       *prometheus.Registry
	caches    *cacheCollector
	pools     *poolCollector
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	auth      *prometheus.CounterVec
	rateLimit *prometheus.CounterVec
}

// New returns a registry with the Go runtime's and the process's metrics.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), caches: &cacheCollector{}, pools: &poolCollector{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tenx_http_requests_total",
		Help: "HTTP requests answered, by route (method and path template) and status."}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tenx_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"})
	m.auth = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tenx_auth_outcomes_total",
		Help: `Authentications of a credential, by outcome ("ok" or the error code answered).`}, []string{"outcome"})
	m.rateLimit = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tenx_ratelimit_decisions_total",
		Help: "Rate-limit decisions, by caller kind (pat, jwt) and decision (allowed, limited)."}, []string{"kind", "decision"})
	m.reg.MustRegister(m.requests, m.latency, m.auth, m.rateLimit, m.caches, m.pools,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Request implements server.Observer.
func (m *Metrics) Request(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Auth implements server.Observer.
func (m *Metrics) Auth(outcome string) { m.auth.WithLabelValues(outcome).Inc() }

// RateLimit implements server.Observer.
func (m *Metrics) RateLimit(kind string, allowed bool) {
	decision := "limited"
	if allowed {
		decision = "allowed"
	}
	m.rateLimit.WithLabelValues(kind, decision).Inc()
}

// Cache exports the hits and misses that stats reports for the cache name
// as tenx_cache_hits_total and tenx_cache_misses_total.
func (m *Metrics) Cache(name string, stats func() (hits, misses uint64)) {
	m.caches.mu.Lock()
	defer m.caches.mu.Unlock()
	m.caches.names = append(m.caches.names, name)
	m.caches.stats = append(m.caches.stats, stats)
}

// DBPool exports the statistics of a database/sql pool named name
// ("read", "write") as tenx_db_* metrics.
func (m *Metrics) DBPool(name string, stats func() sql.DBStats) {
	m.pools.mu.Lock()
	defer m.pools.mu.Unlock()
	m.pools.names = append(m.pools.names, name)
	m.pools.stats = append(m.pools.stats, stats)
}

// Gauge exports what value reports under name, e.g. a queue's depth.
func (m *Metrics) Gauge(name, help string, value func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value))
}

// Counter exports a count that only grows (drops, say) under name.
func (m *Metrics) Counter(name, help string, value func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, value))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var (
	cacheHits = prometheus.NewDesc("tenx_cache_hits_total", "Cache lookups that found a live entry, by cache.",
		[]string{"cache"}, nil)
	cacheMisses = prometheus.NewDesc("tenx_cache_misses_total", "Cache lookups that did not, by cache.",
		[]string{"cache"}, nil)
)

// cacheCollector reads the caches' counters at scrape time.
type cacheCollector struct {
	mu    sync.Mutex
	names []string
	stats []func() (hits, misses uint64)
}

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) { ch <- cacheHits; ch <- cacheMisses }

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, name := range c.names {
		hits, misses := c.stats[i]()
		ch <- prometheus.MustNewConstMetric(cacheHits, prometheus.CounterValue, float64(hits), name)
		ch <- prometheus.MustNewConstMetric(cacheMisses, prometheus.CounterValue, float64(misses), name)
	}
}

var poolDescs = map[string]*prometheus.Desc{}

func poolDesc(name, help string) *prometheus.Desc {
	d := prometheus.NewDesc("tenx_db_"+name, help, []string{"pool"}, nil)
	poolDescs[name] = d
	return d
}

var (
	poolMaxOpen   = poolDesc("max_open_connections", "Most connections the pool opens.")
	poolOpen      = poolDesc("open_connections", "Connections open, in use or idle.")
	poolInUse     = poolDesc("in_use_connections", "Connections in use.")
	poolIdle      = poolDesc("idle_connections", "Idle connections.")
	poolWaits     = poolDesc("waits_total", "Times a caller waited for a connection.")
	poolWaitTime  = poolDesc("wait_seconds_total", "Time callers waited for a connection.")
	poolClosedMax = poolDesc("closed_max_idle_total", "Connections closed because the idle pool was full.")
)

// poolCollector reads the pools' statistics at scrape time.
type poolCollector struct {
	mu    sync.Mutex
	names []string
	stats []func() sql.DBStats
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range poolDescs {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, name := range c.names {
		collectPool(ch, name, c.stats[i]())
	}
}

func collectPool(ch chan<- prometheus.Metric, name string, s sql.DBStats) {
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, name)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, name)
	}
	gauge(poolMaxOpen, float64(s.MaxOpenConnections))
	gauge(poolOpen, float64(s.OpenConnections))
	gauge(poolInUse, float64(s.InUse))
	gauge(poolIdle, float64(s.Idle))
	counter(poolWaits, float64(s.WaitCount))
	counter(poolWaitTime, s.WaitDuration.Seconds())
	counter(poolClosedMax, float64(s.MaxIdleClosed))
}
