package auth

import (
	"context"
	"fmt"
	"time"

	"tenx"
)

// Sessions runs sign-up, login, refresh-token rotation and logout.
type Sessions struct {
	Users      tenx.UserService
	Sessions   tenx.SessionService
	Hasher     *PasswordHasher
	Tokens     *Tokens
	Auth       *Authenticator
	Now        tenx.Clock
	SessionTTL time.Duration
	// RefreshGrace is how long a rotated refresh token may be presented
	// again and get the same successor instead of revoking the session
	// (DefaultRefreshGrace in production; zero turns it off).
	RefreshGrace time.Duration
	// Standing, when set, refuses a disabled user's login.
	Standing tenx.StandingService
}

// Grant is what a successful login or refresh hands the client.
type Grant struct {
	User         *tenx.User
	AccessToken  string
	ExpiresAt    time.Time
	RefreshToken string
	SessionID    string
}

// Signup creates a user with a hashed password that meets the policy.
func (s *Sessions) Signup(ctx context.Context, email, password string, admin bool) (*tenx.User, error) {
	email = tenx.NormalizeEmail(email)
	if err := tenx.ValidateCredentials(email, password); err != nil {
		return nil, err
	}
	if err := CheckPassword(email, password); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	u := &tenx.User{Email: email, PasswordHash: hash, IsAdmin: admin}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		if tenx.ErrorCode(err) == tenx.ECONFLICT {
			return nil, tenx.Errorf(tenx.ECONFLICT, "an account with this email already exists")
		}
		return nil, err
	}
	return u, nil
}

// Login checks the password and starts a session. Unknown emails and wrong
// passwords get the same error after the same amount of hashing work.
func (s *Sessions) Login(ctx context.Context, email, password string) (*Grant, error) {
	u, err := s.Users.FindUserByEmail(ctx, tenx.NormalizeEmail(email))
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, err
	}
	encoded := ""
	if u != nil {
		encoded = u.PasswordHash
	}
	ok, err := s.Hasher.Verify(encoded, password)
	if err != nil {
		return nil, err
	}
	if !ok || u == nil {
		return nil, tenx.Errorf(tenx.EINVALIDCREDENTIALS, "email or password is wrong")
	}
	if err := s.checkStanding(ctx, u.ID); err != nil {
		return nil, err
	}
	refresh := newOpaqueToken()
	sess := &tenx.Session{UserID: u.ID, ExpiresAt: s.Now().Add(s.SessionTTL)}
	if err := s.Sessions.CreateSession(ctx, sess, HashToken(refresh)); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s.grant(u, sess.ID, refresh)
}

// Refresh rotates a refresh token and issues a new access token. A token
// rotated within RefreshGrace gets the successor of that rotation again;
// older reuse revokes the session (the store detects both).
func (s *Sessions) Refresh(ctx context.Context, refreshToken string) (*Grant, error) {
	if refreshToken == "" {
		return nil, tenx.Errorf(tenx.EREFRESHMISSING, "the refresh cookie is missing")
	}
	next := newOpaqueToken()
	sealed, err := sealSuccessor(refreshToken, next)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	sess, replay, err := s.Sessions.RotateRefreshToken(ctx, tenx.RefreshRotation{OldHash: HashToken(refreshToken),
		NewHash: HashToken(next), Sealed: sealed, Grace: s.RefreshGrace})
	if err != nil {
		if sess != nil { // reuse: the store revoked the session
			s.Auth.ForgetSession(sess.ID)
		}
		return nil, err
	}
	if replay != nil {
		if next, err = openSuccessor(refreshToken, replay); err != nil {
			return nil, fmt.Errorf("refresh: open the successor: %w", err)
		}
	}
	u, err := s.Users.FindUserByID(ctx, sess.UserID)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	return s.grant(u, sess.ID, next)
}

// Logout revokes the session; its access tokens stop working at once.
func (s *Sessions) Logout(ctx context.Context, sessionID string) error {
	if err := s.Sessions.RevokeSession(ctx, sessionID); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	s.Auth.ForgetSession(sessionID)
	return nil
}

func (s *Sessions) grant(u *tenx.User, sessionID, refresh string) (*Grant, error) {
	access, exp, err := s.Tokens.Issue(u.ID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	return &Grant{User: u, AccessToken: access, ExpiresAt: exp, RefreshToken: refresh, SessionID: sessionID}, nil
}

// checkStanding refuses a login of a disabled user; only someone who knew
// the password learns that the account is disabled.
func (s *Sessions) checkStanding(ctx context.Context, userID string) error {
	if s.Standing == nil {
		return nil
	}
	disabled, err := s.Standing.UserDisabled(ctx, userID)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if disabled {
		return tenx.Errorf(tenx.EACCOUNTDISABLED, "this account was disabled by a platform administrator")
	}
	return nil
}
