package app

import (
	"database/sql"

	"tenx/metrics"
	"tenx/server"
)

// observer is m as the server's Observer; a nil m is no observer at all
// (not a non-nil interface holding a nil pointer).
func observer(m *metrics.Metrics) server.Observer {
	if m == nil {
		return nil
	}
	return m
}

// export registers the statistics of the app's caches, database pool and
// invalidation bus with m.
func (a *App) export(m *metrics.Metrics) {
	for _, name := range []string{"session", "role", "pat", "pat_unknown"} {
		m.Cache(name, func() (uint64, uint64) {
			s := a.Auth.Authenticator.CacheStats()[name]
			return s[0], s[1]
		})
	}
	m.Cache("link_redirect", a.DB.LinkCacheStats)
	m.Cache("link_read", a.DB.LinkPageStats)
	m.DBPool("read", func() sql.DBStats { r, _ := a.DB.Stats(); return r })
	if a.DB.Dialect() == "sqlite" {
		m.DBPool("write", func() sql.DBStats { _, w := a.DB.Stats(); return w })
	}
	bus := a.DB.Bus()
	m.Gauge("tenx_invalidation_healthy", "1 while every change made by any instance reaches this one's caches.",
		func() float64 {
			if bus.Healthy() {
				return 1
			}
			return 0
		})
	m.Counter("tenx_invalidations_published_total", "Cache invalidations published by this instance's writes.",
		func() float64 { p, _ := bus.Stats(); return float64(p) })
	m.Counter("tenx_invalidations_received_total", "Cache invalidations received through LISTEN/NOTIFY.",
		func() float64 { _, r := bus.Stats(); return float64(r) })
}
