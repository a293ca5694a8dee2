// Package click takes click events off the request path: the redirect
// hands a visit to a bounded buffer, and a background writer enriches the
// visits (device, browser, OS, bot, country, referrer, visitor hash) and
// stores them in batches, one transaction each, with their rollups. It
// also signs the ctx of attributed links and prunes old events.
package click

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"tenx"
)

// Config tunes a Pipeline; zero fields take the defaults.
type Config struct {
	// Buffer is how many visits may wait for the writer (default 10,000);
	// a visit that finds it full is dropped and counted.
	Buffer int
	// BatchSize is the most visits one transaction stores (default 500);
	// a full batch is written at once, a partial one every Interval.
	BatchSize int
	Interval  time.Duration // default 1s
	// Retention is how long raw events are kept (default 400 days); they
	// are pruned every PruneEvery (default 1h).
	Retention  time.Duration
	PruneEvery time.Duration
	// StaleAfter is how far behind the writer may be before Freshness says
	// stale (default 5s).
	StaleAfter time.Duration
	// WriteTimeout bounds one batch's transaction (default 10s).
	WriteTimeout time.Duration
	// GeoIP finds countries when no trusted proxy names one (optional).
	GeoIP *GeoIP
	// OnBatch, if set, is called by the writer after each batch commits.
	OnBatch func(clicks []*tenx.Click)
	Logger  *slog.Logger
	Now     tenx.Clock
}

func (c *Config) defaults() {
	c.Buffer = cmpOr(c.Buffer, 10_000)
	c.BatchSize = cmpOr(c.BatchSize, 500)
	c.Interval = cmpOr(c.Interval, time.Second)
	c.Retention = cmpOr(c.Retention, 400*24*time.Hour)
	c.PruneEvery = cmpOr(c.PruneEvery, time.Hour)
	c.StaleAfter = cmpOr(c.StaleAfter, 5*time.Second)
	c.WriteTimeout = cmpOr(c.WriteTimeout, 10*time.Second)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func cmpOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Stats count what the pipeline did since it started.
type Stats struct {
	Written int64 // click events stored
	Dropped int64 // visits lost to a full buffer (or recorded after Close)
	Pending int   // visits waiting for the writer
	Failed  int64 // batch writes that failed (and were retried)
}

// Pipeline is the click buffer and its writer.
type Pipeline struct {
	cfg      Config
	store    tenx.ClickService
	enricher *Enricher
	visits   chan *tenx.Visit
	kick     chan struct{}
	stop     chan context.Context
	done     chan error
	closing  atomic.Bool
	closeMu  sync.Mutex
	closeErr error
	closed   bool

	written, dropped, failed atomic.Int64
	retrying                 atomic.Int64 // visits of the failed batch
	caughtUp                 atomic.Int64 // unix nanoseconds
	stopPruner               context.CancelFunc
	pruner                   sync.WaitGroup

	// Owned by the writer goroutine.
	pending  []*tenx.Visit // a batch whose write failed, retried first
	salts    map[int64][]byte
	reported int64 // dropped count last logged
}

var _ tenx.ClickRecorder = (*Pipeline)(nil)

// New starts the writer (and the pruner) of a pipeline storing into store.
func New(cfg Config, store tenx.ClickService) *Pipeline {
	cfg.defaults()
	p := &Pipeline{cfg: cfg, store: store, enricher: NewEnricher(cfg.GeoIP),
		visits: make(chan *tenx.Visit, cfg.Buffer), kick: make(chan struct{}, 1),
		stop: make(chan context.Context), done: make(chan error, 1), salts: make(map[int64][]byte)}
	ctx, cancel := context.WithCancel(context.Background())
	p.stopPruner = cancel
	p.pruner.Add(1)
	go p.prune(ctx)
	go p.run()
	return p
}

// Record hands v to the writer without waiting, stamping its time. It
// returns false, and counts the visit as dropped, when the buffer is full
// or the pipeline is closing.
func (p *Pipeline) Record(v *tenx.Visit) bool {
	if v.At.IsZero() {
		v.At = p.cfg.Now()
	}
	if p.closing.Load() {
		p.dropped.Add(1)
		return false
	}
	select {
	case p.visits <- v:
	default:
		p.dropped.Add(1)
		return false
	}
	if len(p.visits) >= p.cfg.BatchSize {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
	return true
}

// Freshness reports when the writer last caught up.
func (p *Pipeline) Freshness() tenx.Freshness {
	ns := p.caughtUp.Load()
	if ns == 0 {
		return tenx.Freshness{Stale: len(p.visits) > 0}
	}
	at := time.Unix(0, ns).UTC()
	return tenx.Freshness{CaughtUpAt: at, Stale: p.cfg.Now().Sub(at) > p.cfg.StaleAfter}
}

// Stats returns the pipeline's counters.
func (p *Pipeline) Stats() Stats {
	return Stats{Written: p.written.Load(), Dropped: p.dropped.Load(), Pending: len(p.visits) + int(p.retrying.Load()),
		Failed: p.failed.Load()}
}

// Close stops taking visits, writes those waiting (until ctx ends) and
// stops the writer and the pruner. Call it after the HTTP server has
// drained, so that no visit arrives after it. It returns an error naming
// how many visits were lost when the last writes failed.
func (p *Pipeline) Close(ctx context.Context) error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed {
		return p.closeErr
	}
	p.closed = true
	p.closing.Store(true)
	p.stopPruner()
	p.stop <- ctx
	p.closeErr = <-p.done
	p.pruner.Wait()
	return p.closeErr
}

// run is the writer: it writes when a batch is full or a tick comes.
func (p *Pipeline) run() {
	tick := time.NewTicker(p.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case ctx := <-p.stop:
			p.done <- p.final(ctx)
			return
		case <-tick.C:
			p.flush(context.Background())
		case <-p.kick:
			p.flush(context.Background())
		}
	}
}

// prune prunes at start and every PruneEvery until ctx ends, beside the
// writer so that a long deletion never holds up the buffer.
func (p *Pipeline) prune(ctx context.Context) {
	defer p.pruner.Done()
	t := time.NewTicker(p.cfg.PruneEvery)
	defer t.Stop()
	for {
		p.Prune(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// final writes what is left at Close.
func (p *Pipeline) final(ctx context.Context) error {
	for {
		err := p.flush(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			lost := len(p.pending) + len(p.visits)
			p.cfg.Logger.Error("click writer stopped with visits unwritten", "lost", lost, "err", err)
			return errors.Join(errors.New("click writer: visits lost at shutdown"), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// flush writes every visit that was waiting when it began, a batch at a
// time; on success the pipeline has caught up with that moment. A failed
// batch is kept and retried first by the next flush (visits keep queueing
// behind it, and are dropped when the buffer fills).
func (p *Pipeline) flush(ctx context.Context) error {
	start := p.cfg.Now()
	p.reportDrops()
	if len(p.pending) > 0 {
		if err := p.write(ctx, p.pending); err != nil {
			return err
		}
		p.pending = nil
		p.retrying.Store(0)
	}
	for n := len(p.visits); n > 0; {
		batch := make([]*tenx.Visit, 0, min(n, p.cfg.BatchSize))
		for len(batch) < cap(batch) {
			batch = append(batch, <-p.visits)
		}
		n -= len(batch)
		if err := p.write(ctx, batch); err != nil {
			p.pending = batch
			p.retrying.Store(int64(len(batch)))
			return err
		}
	}
	p.caughtUp.Store(start.UnixNano())
	return nil
}

// write enriches and stores one batch.
func (p *Pipeline) write(ctx context.Context, batch []*tenx.Visit) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.WriteTimeout)
	defer cancel()
	clicks := make([]*tenx.Click, 0, len(batch))
	for _, v := range batch {
		salt, err := p.salt(ctx, v.At)
		if err != nil {
			return p.failedWrite(err, len(batch))
		}
		if v.ID == "" {
			v.ID = tenx.NewClickID()
		}
		clicks = append(clicks, p.enricher.Enrich(v, salt))
	}
	if err := p.store.RecordClicks(ctx, clicks); err != nil {
		return p.failedWrite(err, len(batch))
	}
	p.written.Add(int64(len(clicks)))
	if p.cfg.OnBatch != nil {
		p.cfg.OnBatch(clicks)
	}
	return nil
}

func (p *Pipeline) failedWrite(err error, n int) error {
	p.failed.Add(1)
	p.cfg.Logger.Error("click writer: batch not written; will retry", "visits", n, "err", err)
	return err
}

// salt returns the visitor salt of t's day, from memory after the first
// time.
func (p *Pipeline) salt(ctx context.Context, t time.Time) ([]byte, error) {
	day := t.UTC().Truncate(24 * time.Hour).Unix()
	if s, ok := p.salts[day]; ok {
		return s, nil
	}
	s, err := p.store.VisitorSalt(ctx, t)
	if err != nil {
		return nil, err
	}
	if len(p.salts) > 4 {
		clear(p.salts)
	}
	p.salts[day] = s
	return s, nil
}

// reportDrops logs the visits dropped since the last report.
func (p *Pipeline) reportDrops() {
	if d := p.dropped.Load(); d > p.reported {
		p.cfg.Logger.Warn("click buffer full: visits dropped", "dropped", d-p.reported, "dropped_total", d,
			"buffer", p.cfg.Buffer)
		p.reported = d
	}
}

// Prune deletes the click events older than the retention, and the
// expired visitor salts; it logs rather than fails.
func (p *Pipeline) Prune(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	n, err := p.store.PruneClicks(ctx, p.cfg.Now().Add(-p.cfg.Retention))
	if err != nil && ctx.Err() == nil {
		p.cfg.Logger.Error("click pruning failed", "err", err)
	} else if n > 0 {
		p.cfg.Logger.Info("click events pruned", "deleted", n)
	}
	return n, err
}
