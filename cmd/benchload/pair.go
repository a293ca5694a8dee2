package main

import (
	"context"
	"fmt"
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

// pairRowFormat lays out the tables of the pair comparisons.
const pairRowFormat = "%-19s %-9s %5s %10s %10s %7s %9s %9s %9s %9s %6s\n"

// row is p as a line of a pair table: a's and b's rates, their ratio, and
// a's and b's p50 and p99.
func (p pairResult) row(name, database string, conns int) string {
	return fmt.Sprintf(pairRowFormat, name, database, fmt.Sprint(conns), fmt.Sprintf("%.0f", p.aRate),
		fmt.Sprintf("%.0f", p.bRate), fmt.Sprintf("%.2fx", p.ratio()), ms(percentile(p.aLat, 50)), ms(percentile(p.aLat, 99)),
		ms(percentile(p.bLat, 50)), ms(percentile(p.bLat, 99)), fmt.Sprint(p.errors))
}
