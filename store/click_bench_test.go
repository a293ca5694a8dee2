package store_test

import (
	"strconv"
	"testing"
	"time"

	"tenx"
	"tenx/store/storetest"
)

// BenchmarkRecordClicks writes batches of 500 clicks (the click writer's
// batch) with no subscription, with one that does not want link.clicked,
// and with one that does (one event and one delivery job per click): what
// the outbox costs the click path, and that it costs nearly nothing when
// nobody subscribes.
func BenchmarkRecordClicks(b *testing.B) {
	for _, db := range []struct{ name, url string }{{"sqlite", storetest.SQLiteURL(b)}, {"postgres", ""}} {
		b.Run(db.name, func(b *testing.B) {
			url := db.url
			if url == "" {
				url = storetest.PostgresURL(b)
			}
			for _, sub := range []string{"none", tenx.EventLinkCreated, tenx.EventLinkClicked} {
				b.Run("subscription="+sub, func(b *testing.B) { benchClicks(b, url, sub) })
			}
		})
	}
}

func benchClicks(b *testing.B, url, sub string) {
	d := storetest.MustOpen(b, url, nil)
	handle := "h" + strconv.FormatInt(time.Now().UnixNano(), 36)
	u := &tenx.User{Email: handle + "@example.com", PasswordHash: "x"}
	if err := d.CreateUser(b.Context(), u); err != nil {
		b.Fatal(err)
	}
	if err := d.CreateHandle(b.Context(), &tenx.Handle{Name: handle, DisplayName: handle, OwnerID: u.ID}); err != nil {
		b.Fatal(err)
	}
	if sub != "none" {
		if err := d.CreateWebhook(b.Context(), &tenx.Webhook{Handle: handle, EndpointURL: "https://hooks.example.com/",
			EventTypes: []string{sub}}); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		batch := make([]*tenx.Click, 500)
		for i := range batch {
			n++
			batch[i] = &tenx.Click{ID: handle + strconv.Itoa(n), Handle: handle, Slug: "s" + strconv.Itoa(n%20),
				OccurredAt: time.Now(), Device: tenx.DeviceDesktop, Country: "ZZ", VisitorHash: strconv.Itoa(n)}
		}
		if err := d.RecordClicks(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/click")
}
