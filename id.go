package tenx

import "crypto/rand"

// Base62 is the alphabet of ids and token secrets.
const Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// RandomBase62 returns n characters drawn uniformly from Base62 with
// crypto/rand: the random part of every id and PAT secret.
func RandomBase62(n int) string {
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // never fails since Go 1.24
		for _, b := range buf {
			// 248 is the largest multiple of 62 below 256: rejecting bytes
			// above it keeps every character equally likely.
			if b < 248 && len(out) < n {
				out = append(out, Base62[b%62])
			}
		}
	}
	return string(out)
}
