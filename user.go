package tenx

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// MinPasswordLength is the shortest password accepted at signup.
const MinPasswordLength = 10

// MaxPasswordLength bounds the work a login can ask of the password hasher.
const MaxPasswordLength = 256

// User is a person who signs in to the control plane.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	IsAdmin      bool
	CreatedAt    time.Time
}

// NormalizeEmail lower-cases and trims an email so lookups are case-insensitive.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidateCredentials checks a signup's email and password.
func ValidateCredentials(email, password string) error {
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || a.Name != "" {
		return &Error{Code: EVALIDATION, Field: "email", Message: "email must be a valid address"}
	}
	if n := len([]rune(password)); n < MinPasswordLength || len(password) > MaxPasswordLength {
		return &Error{Code: EVALIDATION, Field: "password",
			Message: "password must be between 10 and 256 characters"}
	}
	return nil
}

// UserFilter selects users; today every user.
type UserFilter struct {
	Limit     int
	NextToken string
}

// UserService stores users.
type UserService interface {
	// CreateUser inserts u, setting ID and CreatedAt; a taken email is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns ENOTFOUND for an unknown id.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// FindUserByEmail looks up a normalized email; ENOTFOUND if unknown.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// FindUsers lists users by id order, one page at a time.
	FindUsers(ctx context.Context, f UserFilter) (users []*User, nextToken string, err error)
}
