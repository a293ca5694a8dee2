package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

func TestSigningKeys(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		keys, err := db.FindSigningKeys(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*tenx.SigningKey{}, keys); diff != "" {
			t.Errorf("keys of an empty database (-want +got):\n%s", diff)
		}

		var created []*tenx.SigningKey
		for _, id := range []string{"k1", "k2", "k3"} {
			k := &tenx.SigningKey{ID: id, PrivateKey: hash(id)}
			if err := db.CreateSigningKey(t.Context(), k); err != nil {
				t.Fatal(err)
			}
			if want := stored(clock.Now()); !k.CreatedAt.Equal(want) {
				t.Errorf("CreatedAt = %v, want %v", k.CreatedAt, want)
			}
			created = append([]*tenx.SigningKey{k}, created...)
			clock.Add(time.Hour)
		}
		keys, err = db.FindSigningKeys(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(created, keys); diff != "" {
			t.Errorf("keys, newest first (-want +got):\n%s", diff)
		}

		dup := &tenx.SigningKey{ID: "k2", PrivateKey: hash("other")}
		checkCode(t, db.CreateSigningKey(t.Context(), dup), tenx.ECONFLICT)
	})
}
