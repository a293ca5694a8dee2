package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tenx/webhook"
)

// verify is an independent Standard Webhooks verifier, written from the
// specification (https://www.standardwebhooks.com/): the secret's part
// after whsec_ is base64, the signed content is "id.timestamp.body", and
// the header holds space-separated "v1,<base64>" signatures.
func verify(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers: id %q timestamp %q signature %q", id, ts, sigs)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return fmt.Errorf("timestamp %q", ts)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.%s", id, ts, body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if ok && version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid v1 signature in %q", sigs)
}

// The specification's test vector.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationVector(t *testing.T) {
	got, err := webhook.Sign(vectorSecret, vectorID, vectorTimestamp, []byte(vectorBody))
	if err != nil || got != vectorSignature {
		t.Fatalf("Sign = %q, %v; want %q", got, err, vectorSignature)
	}
}

func TestVerifierAcceptsTheVectorOnly(t *testing.T) {
	h := http.Header{}
	h.Set("webhook-id", vectorID)
	h.Set("webhook-timestamp", strconv.Itoa(vectorTimestamp))
	h.Set("webhook-signature", "v1,bm90IGl0 "+vectorSignature)
	if err := verify(vectorSecret, h, []byte(vectorBody)); err != nil {
		t.Fatalf("verify the vector: %v", err)
	}
	if err := verify(vectorSecret, h, []byte(vectorBody+" ")); err == nil {
		t.Fatal("a changed body verifies")
	}
	h.Set("webhook-timestamp", strconv.Itoa(vectorTimestamp+1))
	if err := verify(vectorSecret, h, []byte(vectorBody)); err == nil {
		t.Fatal("a changed timestamp verifies")
	}
}

func TestSignRefusesABadSecret(t *testing.T) {
	if _, err := webhook.Sign("whsec_!!!", "id", 1, nil); err == nil {
		t.Fatal("a secret that is not base64 signs")
	}
}
