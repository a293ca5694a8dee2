package auth

import (
	"context"
	"time"

	"tenx"
	"tenx/cache"
)

// standing remembers, for at most ttl, whether a user is disabled and a
// handle suspended, so the platform administrators' decisions are checked
// on every request at the cost of one read a second per user or handle: a
// decision made on another instance holds here within ttl, one made here
// at once (Forget*).
type standing struct {
	store tenx.StandingService
	ttl   time.Duration
	now   tenx.Clock
	cache *cache.Map[string, bool]
}

func newStanding(store tenx.StandingService, ttl time.Duration, max int, now tenx.Clock) *standing {
	return &standing{store: store, ttl: ttl, now: now, cache: cache.New[string, bool](max)}
}

// flag reads one decision through the cache; key is "u:<id>" or "h:<name>".
func (s *standing) flag(ctx context.Context, key string, read func(context.Context, string) (bool, error)) (bool, error) {
	now := s.now()
	if v, ok := s.cache.Get(key, now); ok {
		return v, nil
	}
	epoch := s.cache.Epoch()
	v, err := read(ctx, key[2:])
	if err != nil {
		return false, err
	}
	s.cache.Put(key, v, now.Add(s.ttl), now, epoch)
	return v, nil
}

// checkUserStanding refuses a disabled user's credentials.
func (a *Authenticator) checkUserStanding(ctx context.Context, userID string) error {
	if a.standing == nil || userID == "" {
		return nil
	}
	disabled, err := a.standing.flag(ctx, "u:"+userID, a.standing.store.UserDisabled)
	if err != nil {
		return err
	}
	if disabled {
		return tenx.Errorf(tenx.EACCOUNTDISABLED, "this account was disabled by a platform administrator")
	}
	return nil
}

// HandleSuspended reports whether a platform administrator suspended the
// handle (as known within the last second); short links and the site of a
// suspended handle are not served.
func (a *Authenticator) HandleSuspended(ctx context.Context, handle string) (bool, error) {
	if a.standing == nil {
		return false, nil
	}
	return a.standing.flag(ctx, "h:"+handle, a.standing.store.HandleSuspended)
}

// checkHandleStanding refuses what a suspended handle may not do.
func (a *Authenticator) checkHandleStanding(ctx context.Context, handle, what string) error {
	suspended, err := a.HandleSuspended(ctx, handle)
	if err != nil {
		return err
	}
	if suspended {
		return tenx.Errorf(tenx.EHANDLESUSPENDED, "handle %s is suspended by a platform administrator; %s", handle, what)
	}
	return nil
}

// checkPATStanding refuses a PAT of a suspended handle or of a disabled
// user's making.
func (a *Authenticator) checkPATStanding(ctx context.Context, p *tenx.Principal) error {
	if err := a.checkHandleStanding(ctx, p.Handle, "its tokens are refused"); err != nil {
		return err
	}
	err := a.checkUserStanding(ctx, p.UserID)
	if tenx.ErrorCode(err) == tenx.EACCOUNTDISABLED {
		return tenx.Errorf(tenx.EACCOUNTDISABLED, "the user who created this token is disabled")
	}
	return err
}

// ForgetStanding drops what this instance remembers about a user and a
// handle (either may be ""), after an administrator changed them here, and
// every cached access token of the user's sessions.
func (a *Authenticator) ForgetStanding(userID, handle string) {
	if a.standing == nil {
		return
	}
	if userID != "" {
		a.standing.cache.Delete("u:" + userID)
	}
	if handle != "" {
		a.standing.cache.Delete("h:" + handle)
	}
}
