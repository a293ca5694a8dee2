package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"tenx"
)

// KeySet holds the Ed25519 key that signs access tokens and every public
// key that verifies them, by key id.
type KeySet struct {
	signingID  string
	signingKey ed25519.PrivateKey
	public     map[string]ed25519.PublicKey
	order      []string
}

// JWK is one public key in JSON Web Key form (RFC 8037, OKP/Ed25519).
type JWK struct {
	Kty, Crv, X, Kid, Alg, Use string
}

// LoadKeySet reads the signing keys from the store, creating the first one
// when there is none. Several instances starting at once agree: a losing
// insert (conflict) re-reads what the winner stored.
func LoadKeySet(ctx context.Context, keys tenx.SigningKeyService) (*KeySet, error) {
	list, err := keys.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load signing keys: %w", err)
	}
	if len(list) == 0 {
		if list, err = createFirstKey(ctx, keys); err != nil {
			return nil, err
		}
	}
	return newKeySet(list)
}

func createFirstKey(ctx context.Context, keys tenx.SigningKeyService) ([]*tenx.SigningKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	// A fixed id for the first key makes concurrent first starts collide
	// on the primary key instead of creating two keys.
	k := &tenx.SigningKey{ID: "key-1", PrivateKey: seed}
	if err := keys.CreateSigningKey(ctx, k); err != nil && tenx.ErrorCode(err) != tenx.ECONFLICT {
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	list, err := keys.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("reload signing keys: %w", err)
	}
	return list, nil
}

func newKeySet(list []*tenx.SigningKey) (*KeySet, error) {
	if len(list) == 0 {
		return nil, errors.New("no signing keys")
	}
	ks := &KeySet{public: make(map[string]ed25519.PublicKey, len(list))}
	for i, k := range list {
		if len(k.PrivateKey) != ed25519.SeedSize {
			return nil, fmt.Errorf("signing key %s: bad length %d", k.ID, len(k.PrivateKey))
		}
		priv := ed25519.NewKeyFromSeed(k.PrivateKey)
		if i == 0 {
			ks.signingID, ks.signingKey = k.ID, priv
		}
		ks.public[k.ID] = priv.Public().(ed25519.PublicKey)
		ks.order = append(ks.order, k.ID)
	}
	return ks, nil
}

// JWKS returns the public keys, newest first.
func (ks *KeySet) JWKS() []JWK {
	out := make([]JWK, 0, len(ks.order))
	for _, id := range ks.order {
		out = append(out, JWK{Kty: "OKP", Crv: "Ed25519", Kid: id, Alg: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(ks.public[id])})
	}
	return out
}
