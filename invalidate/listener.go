package invalidate

import (
	"errors"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Listener keeps one Postgres connection LISTENing on a channel and
// delivers what arrives to a Bus, which it keeps healthy only while the
// connection is up and answers pings.
type Listener struct {
	l       *pq.Listener
	bus     *Bus
	log     *slog.Logger
	done    chan struct{}
	stopped chan struct{}

	connected atomic.Bool // LISTEN is in force on a live connection
	pingOK    atomic.Bool // the last ping was answered in time
	pinging   atomic.Bool
}

// PingEvery is how often the listener's connection is pinged; a ping not
// answered within it makes the bus unhealthy until one is. It bounds how
// long a silently hung connection is trusted.
const PingEvery = 2 * time.Second

// Listen connects to dsn through d (nil: lib/pq's default dialer), listens
// on channel and delivers its notifications to bus until Close. It returns
// at once: the bus turns healthy when the LISTEN is in force (a database
// that is down at start delays that, it does not stop tenx), and stays so
// while the connection is up. Reconnection is automatic.
func Listen(dsn string, d pq.Dialer, channel string, bus *Bus, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	li := &Listener{bus: bus, log: log, done: make(chan struct{}), stopped: make(chan struct{})}
	li.pingOK.Store(true)
	if d == nil {
		li.l = pq.NewListener(dsn, 100*time.Millisecond, 2*time.Second, li.event)
	} else {
		li.l = pq.NewDialListener(d, dsn, 100*time.Millisecond, 2*time.Second, li.event)
	}
	go li.listen(channel)
	go li.loop()
	return li
}

// listen issues the LISTEN, waiting for a connection as long as it takes.
func (li *Listener) listen(channel string) {
	if err := li.l.Listen(channel); err != nil {
		if !errors.Is(err, net.ErrClosed) {
			li.log.Error("invalidation listener cannot LISTEN; caches keep the short TTL", "err", err)
		}
		return
	}
	li.connected.Store(true)
	li.update()
}

// event is lib/pq's callback for connection state changes. Reconnected
// comes after the LISTEN is re-issued on the new connection.
func (li *Listener) event(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventDisconnected:
		li.connected.Store(false)
		li.log.Warn("invalidation listener disconnected; caches fall back to a short TTL", "err", err)
	case pq.ListenerEventReconnected:
		li.connected.Store(true)
		li.pingOK.Store(true)
		li.log.Info("invalidation listener reconnected")
	case pq.ListenerEventConnectionAttemptFailed:
		li.log.Warn("invalidation listener cannot connect", "err", err)
	}
	li.update()
}

func (li *Listener) update() {
	li.bus.SetHealthy(li.connected.Load() && li.pingOK.Load())
}

func (li *Listener) loop() {
	defer close(li.stopped)
	tick := time.NewTicker(PingEvery)
	defer tick.Stop()
	for {
		select {
		case <-li.done:
			return
		case n := <-li.l.Notify:
			if n == nil {
				// After a reconnection: what was sent meanwhile is lost.
				li.bus.fanout(Event{Kind: All})
				continue
			}
			if e, ok := Parse(n.Extra); ok {
				li.bus.deliver(e)
			}
		case <-tick.C:
			li.ping()
		}
	}
}

// ping checks the connection without blocking the loop: a ping that has
// not come back by the next tick marks the bus unhealthy.
func (li *Listener) ping() {
	if !li.pinging.CompareAndSwap(false, true) {
		li.pingOK.Store(false)
		li.update()
		return
	}
	go func() {
		defer li.pinging.Store(false)
		err := li.l.Ping()
		li.pingOK.Store(err == nil)
		li.update()
	}()
}

// Close stops listening; the bus is unhealthy from then on.
func (li *Listener) Close() error {
	close(li.done)
	<-li.stopped
	err := li.l.Close()
	li.connected.Store(false)
	li.update()
	return err
}
