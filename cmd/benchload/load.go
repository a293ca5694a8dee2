package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// result is what one load run measured.
type result struct {
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// percentile returns the p-th percentile (0..100) of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

// target is one request to send again and again: a GET, or a POST of
// body() when body is set. prepare, when set, finishes each request;
// check, when set, looks at each answer's body.
type target struct {
	url     string
	header  http.Header
	status  int
	body    func() []byte
	prepare func(*http.Request)
	check   func([]byte) error
}

// newClient keeps conns keep-alive connections to the server and never
// follows redirects: the redirect route is measured as a 302.
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// run sends t from conns workers for d and measures every answer. A wrong
// status counts as an error, not as a request.
func run(ctx context.Context, t target, conns int, d time.Duration) result {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	per := make([]result, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Go(func() { per[w] = worker(ctx, client, t) })
	}
	wg.Wait()
	out := result{elapsed: time.Since(start)}
	for _, r := range per {
		out.requests += r.requests
		out.errors += r.errors
		out.latencies = append(out.latencies, r.latencies...)
	}
	slices.Sort(out.latencies)
	return out
}

func worker(ctx context.Context, client *http.Client, t target) result {
	var r result
	r.latencies = make([]time.Duration, 0, 4096)
	for ctx.Err() == nil {
		t0 := time.Now()
		err := once(ctx, client, t)
		if ctx.Err() != nil {
			break // cut off by the end of the run: not a measurement
		}
		if err != nil {
			r.errors++
			continue
		}
		r.requests++
		r.latencies = append(r.latencies, time.Since(t0))
	}
	return r
}

func once(ctx context.Context, client *http.Client, t target) error {
	method, body := http.MethodGet, io.Reader(nil)
	if t.body != nil {
		method, body = http.MethodPost, bytes.NewReader(t.body())
	}
	req, err := http.NewRequestWithContext(ctx, method, t.url, body)
	if err != nil {
		return err
	}
	for k, v := range t.header {
		req.Header[k] = v
	}
	if t.prepare != nil {
		t.prepare(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if t.check == nil {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
	}
	if resp.StatusCode != t.status {
		return fmt.Errorf("status %d, want %d", resp.StatusCode, t.status)
	}
	if t.check == nil {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return t.check(b)
}
