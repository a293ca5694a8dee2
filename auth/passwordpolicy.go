package auth

import (
	_ "embed"
	"strings"
	"sync"

	"tenx"
)

// commonPasswords is the 10,000 most common passwords, most common first,
// one a line, lower-case: the first 10,000 entries of zxcvbn's passwords
// list (data/passwords.txt of the Go module github.com/trustelem/zxcvbn
// v1.0.1, a port of Dropbox's zxcvbn, MIT licence), which ranks the
// passwords of Mark Burnett's 10 million password corpus (Xato, 2015) by
// frequency.
//
//go:embed commonpasswords.txt
var commonPasswords string

// commonSet indexes commonPasswords on first use.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	lines := strings.Split(strings.TrimSpace(commonPasswords), "\n")
	set := make(map[string]struct{}, len(lines))
	for _, p := range lines {
		set[p] = struct{}{}
	}
	return set
})

// CheckPassword applies the sign-up password policy beyond its length
// (tenx.ValidateCredentials): the password may not be one character
// repeated, the email address or its local part, or one of the 10,000 most
// common passwords (compared case-insensitively). Each refusal is a
// validation_error on password that says why.
func CheckPassword(email, password string) error {
	lower := strings.ToLower(password)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case oneCharacterRepeated(password):
		return policyError("password must not be one character repeated")
	case lower == strings.ToLower(email) || lower == local:
		return policyError("password must not be your email address or its part before the @")
	case isCommon(lower):
		return policyError("password is one of the 10,000 most common passwords; choose a less guessable one")
	}
	return nil
}

func isCommon(lower string) bool {
	_, ok := commonSet()[lower]
	return ok
}

func oneCharacterRepeated(s string) bool {
	for _, r := range s {
		return strings.Trim(s, string(r)) == ""
	}
	return false
}

func policyError(msg string) error {
	return &tenx.Error{Code: tenx.EVALIDATION, Field: "password", Message: msg}
}
