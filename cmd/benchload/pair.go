package main

import (
	"context"
	"slices"
	"time"
)

// pairResult is what alternating runs of two targets, a and b, measured.
type pairResult struct {
	aRate, bRate float64
	aLat, bLat   []time.Duration // sorted
	errors       int
}

// measurePair runs a then b, o.rounds times, so that a noisy neighbour
// slows both alike, and averages their rates.
func measurePair(ctx context.Context, a, b target, conns int, o options) (pairResult, error) {
	var p pairResult
	for range o.rounds {
		ra := run(ctx, a, conns, o.duration)
		rb := run(ctx, b, conns, o.duration)
		if ctx.Err() != nil {
			return p, ctx.Err()
		}
		p.aRate += ra.rate() / float64(o.rounds)
		p.bRate += rb.rate() / float64(o.rounds)
		p.aLat, p.bLat = append(p.aLat, ra.latencies...), append(p.bLat, rb.latencies...)
		p.errors += ra.errors + rb.errors
	}
	slices.Sort(p.aLat)
	slices.Sort(p.bLat)
	return p, nil
}

// ratio is a's rate over b's (0 when b did nothing).
func (p pairResult) ratio() float64 {
	if p.bRate <= 0 {
		return 0
	}
	return p.aRate / p.bRate
}
