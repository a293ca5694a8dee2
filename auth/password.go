package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// PasswordHasher hashes passwords with argon2id and encodes them in the PHC
// string format, so parameters can change without invalidating old hashes.
type PasswordHasher struct {
	Time    uint32
	MemoryK uint32 // KiB
	Threads uint8
	// slots bounds how many hashes and verifications run at once.
	slots *hashSlots
	// dummy is verified against when the account does not exist, so that an
	// unknown email costs the same time as a wrong password.
	dummy string
}

// DefaultPasswordHasher uses OWASP's argon2id baseline: 19 MiB, 2 passes.
func DefaultPasswordHasher() *PasswordHasher { return NewPasswordHasher(2, 19*1024, 1) }

// FastPasswordHasher is for tests only: cheap parameters, same code path.
func FastPasswordHasher() *PasswordHasher { return NewPasswordHasher(1, 64, 1) }

// NewPasswordHasher returns a hasher with the given argon2id parameters.
func NewPasswordHasher(time, memoryK uint32, threads uint8) *PasswordHasher {
	h := &PasswordHasher{Time: time, MemoryK: memoryK, Threads: threads,
		slots: newHashSlots(DefaultHashConcurrency(memoryK), DefaultHashWait)}
	dummy, err := h.Hash("dummy password for absent accounts")
	if err != nil {
		panic(err) // crypto/rand failing is not recoverable
	}
	h.dummy = dummy
	return h
}

// Bound sets how many hashes and verifications may run at once (n < 1 means
// DefaultHashConcurrency) and how long one waits for a turn before it is
// refused with unavailable. Call it before the hasher is shared.
func (h *PasswordHasher) Bound(n int, wait time.Duration) *PasswordHasher {
	if n < 1 {
		n = DefaultHashConcurrency(h.MemoryK)
	}
	h.slots = newHashSlots(n, wait)
	return h
}

// Reserve takes one turn of hashing work until release is called, or
// answers unavailable when none frees up in time. Hash and Verify take
// theirs through it; tests use it to fill the hasher.
func (h *PasswordHasher) Reserve() (release func(), err error) { return h.slots.acquire() }

// Hash returns the PHC-encoded argon2id hash of password with a fresh salt.
// It answers unavailable when the hasher stays busy.
func (h *PasswordHasher) Hash(password string) (string, error) {
	release, err := h.Reserve()
	if err != nil {
		return "", err
	}
	defer release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.MemoryK, h.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.MemoryK, h.Time, h.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, in constant time. An
// empty encoded hash (no such account) is checked against a dummy hash so
// the answer takes as long as for a real account. The error is unavailable
// when the hasher stays busy.
func (h *PasswordHasher) Verify(encoded, password string) (bool, error) {
	release, err := h.Reserve()
	if err != nil {
		return false, err
	}
	defer release()
	if encoded == "" {
		_, _ = verifyPHC(h.dummy, password)
		return false, nil
	}
	ok, err := verifyPHC(encoded, password)
	return err == nil && ok, nil
}

var errBadHash = errors.New("malformed password hash")

// Bounds on the parameters read back from a stored hash.
const (
	maxMemoryK = 1 << 20 // 1 GiB
	maxTime    = 16
)

func verifyPHC(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil ||
		time < 1 || threads < 1 || memory < 8*uint32(threads) || memory > maxMemoryK || time > maxTime {
		return false, errBadHash // argon2 panics on zero parameters; huge ones would stall logins
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
