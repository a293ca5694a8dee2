package store_test

import (
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"tenx"
	"tenx/store"
	"tenx/store/storetest"
)

// TestTransactionRetry: a transaction aborted by a deadlock or a
// serialization failure runs again, a bounded number of times; what still
// fails is EUNAVAILABLE (503), never an internal error.
func TestTransactionRetry(t *testing.T) {
	t.Parallel()
	db, _ := mustOpen(t, storetest.SQLiteURL(t))
	deadlock := &pq.Error{Code: pqerror.TRDeadlockDetected}
	serialization := &pq.Error{Code: pqerror.TRSerializationFailure}
	tests := []struct {
		name      string
		failures  int
		err       error
		wantCalls int
		wantCode  string
	}{
		{"deadlock once", 1, deadlock, 2, ""},
		{"serialization failures until the last attempt", store.TxAttempts - 1, serialization, store.TxAttempts, ""},
		{"deadlock every time", 100, deadlock, store.TxAttempts, tenx.EUNAVAILABLE},
		{"not retryable", 100, errors.New("boom"), 1, tenx.EINTERNAL},
		{"a public error", 100, tenx.Errorf(tenx.ECONFLICT, "taken"), 1, tenx.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := db.InTx(t.Context(), func(tx *sqlx.Tx) error {
				calls++
				if calls <= tt.failures {
					return tt.err
				}
				return nil
			})
			if calls != tt.wantCalls {
				t.Errorf("%d attempts, want %d", calls, tt.wantCalls)
			}
			checkCode(t, store.Translate(err, "test", "thing"), tt.wantCode)
		})
	}
}
