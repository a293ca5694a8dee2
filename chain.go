package tenx

import (
	"context"
	"time"
)

// Chain signal limits (PRODUCT.md 7.7).
const (
	MaxSignalsPerSession         = 200
	MaxSignalsPerSessionInWindow = 60
	MaxSignalsPerIPInWindow      = 120
	SignalWindow                 = time.Minute
	MaxSignalValueLength         = 256
)

// ChainSignal is one event of a visitor's session.
type ChainSignal struct {
	Type       string
	Value      string
	ReceivedAt time.Time
}

// ChainBatch is a batch of signals of one session, from one client IP.
type ChainBatch struct {
	Handle    string
	SessionID string
	IP        string // the client's address; only a hash of it is stored
	Signals   []ChainSignal
}

// ChainService stores chain signals under their limits.
type ChainService interface {
	// AddChainSignals stores the whole batch, or nothing: ECONFLICT when
	// the session would pass MaxSignalsPerSession, ERATELIMITED (with
	// RetryAfterSeconds) when the session or the IP would pass its window
	// limit, ENOTFOUND for an unknown handle. It returns the session's
	// total. The limits hold across instances: the database serialises
	// batches of one session and of one IP.
	AddChainSignals(ctx context.Context, b *ChainBatch) (total int, err error)
	// FindChainSession returns the session's signals, oldest first
	// (none for an unknown session).
	FindChainSession(ctx context.Context, handle, sessionID string) ([]ChainSignal, error)
}
