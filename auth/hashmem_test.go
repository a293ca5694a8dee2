package auth_test

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tenx/auth"
)

// BenchmarkParallelSignupMemory runs 24 sign-up hashes at once with the
// production parameters (19 MiB each), unbounded and with the default
// bound, and reports the peak heap in use (sampled) and how many of the 24
// were refused 503. Run: go test -run '^$' -bench ParallelSignupMemory ./auth/
func BenchmarkParallelSignupMemory(b *testing.B) {
	for _, bound := range []int{24, 0} {
		name := "unbounded"
		if bound == 0 {
			name = "default-bound-" + strconv.Itoa(auth.DefaultHashConcurrency(19*1024))
		}
		b.Run(name, func(b *testing.B) {
			h := auth.DefaultPasswordHasher().Bound(bound, auth.DefaultHashWait)
			var peak uint64
			var refused atomic.Int64
			for range b.N {
				runtime.GC()
				stop := sampleHeap(&peak)
				var wg sync.WaitGroup
				for range 24 {
					wg.Go(func() {
						if _, err := h.Hash(testPassword); err != nil {
							refused.Add(1)
						}
					})
				}
				wg.Wait()
				stop()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(refused.Load())/float64(b.N), "refused/op")
		})
	}
}

// sampleHeap records the largest HeapInuse seen every millisecond until
// stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
