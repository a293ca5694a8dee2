package tenx

import (
	"context"
	"time"
)

// SigningKey is an Ed25519 key that signs access tokens. The private key is
// kept in the database so restarts and every instance agree on it.
type SigningKey struct {
	ID         string
	PrivateKey []byte // ed25519 seed (32 bytes)
	CreatedAt  time.Time
}

// SigningKeyService stores signing keys.
type SigningKeyService interface {
	// FindSigningKeys lists keys, newest first.
	FindSigningKeys(ctx context.Context) ([]*SigningKey, error)
	// CreateSigningKey inserts k; a taken ID is ECONFLICT.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
}
