package auth_test

import (
	"errors"
	"strings"
	"testing"

	"tenx"
	"tenx/auth"
)

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, email, password, why string // why: part of the message; empty when accepted
	}{
		{"accepted", "ann@example.com", testPassword, ""},
		{"most common of all", "ann@example.com", "1234567890", "most common"},
		{"common, other case", "ann@example.com", "QwertyUIOP", "most common"},
		{"common, the 10,000th", "ann@example.com", "159753456", "most common"},
		{"the email", "ann.lee@example.com", "ann.lee@example.com", "email"},
		{"the email, other case", "ann.lee@example.com", "Ann.Lee@Example.com", "email"},
		{"the local part", "annabelle.lee@example.com", "Annabelle.Lee", "email"},
		{"containing the local part is fine", "ann@example.com", "ann and her long password", ""},
		{"one character repeated", "ann@example.com", "zzzzzzzzzzzz", "one character repeated"},
		{"one multibyte character repeated", "ann@example.com", strings.Repeat("é", 12), "one character repeated"},
		{"two characters alternating", "ann@example.com", "zyzyzyzyzyzy", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckPassword(tt.email, tt.password)
			if tt.why == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v, want accepted", tt.password, err)
				}
				return
			}
			var te *tenx.Error
			if !errors.As(err, &te) || te.Code != tenx.EVALIDATION || te.Field != "password" || !strings.Contains(te.Message, tt.why) {
				t.Fatalf("CheckPassword(%q) = %#v, want validation_error on password saying %q", tt.password, err, tt.why)
			}
		})
	}
}
