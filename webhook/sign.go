// Package webhook delivers webhook events: it signs them per the Standard
// Webhooks specification, POSTs them through an HTTP client that refuses
// private addresses at connect time, and decides what is retried, when,
// and what ends a delivery. Its Worker runs each attempt as a job of
// package queue.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Sign returns the webhook-signature header value of a message per the
// Standard Webhooks specification: "v1," and the base64 of the
// HMAC-SHA256, keyed by the secret's base64-decoded part after "whsec_",
// of "id.timestamp.body".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return "", errors.New("webhook secret is not whsec_ and base64")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
