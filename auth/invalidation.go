package auth

import (
	"context"

	"tenx"
	"tenx/invalidate"
)

// roleKey names a cached role: a user's on a handle.
type roleKey struct{ handle, userID string }

// findRole reads the user's role on the handle through the role cache
// (when there is a bus); ENOTFOUND when the user has none, which is cached
// too: a handle created later invalidates it.
func (a *Authenticator) findRole(ctx context.Context, handle, userID string) (tenx.Role, error) {
	if a.roles == nil {
		return a.handles.FindRole(ctx, handle, userID)
	}
	key, now := roleKey{handle, userID}, a.now()
	if role, ok := a.roles.Get(key, now); ok {
		if role == "" {
			return "", tenx.Errorf(tenx.ENOTFOUND, "role not found")
		}
		return role, nil
	}
	epoch := a.roles.Epoch()
	role, err := a.handles.FindRole(ctx, handle, userID)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return "", err
	}
	a.roles.Put(key, role, now.Add(a.bus.TTL(a.cacheTTL)), now, epoch)
	return role, err
}

// invalidate applies an event of the Bus to the session and role caches.
func (a *Authenticator) invalidate(e invalidate.Event) {
	switch e.Kind {
	case invalidate.Session:
		a.ForgetSession(e.Key)
	case invalidate.Role, invalidate.Handle:
		a.roles.DeleteWhere(func(k roleKey, _ tenx.Role) bool { return k.handle == e.Key })
	case invalidate.All:
		a.jwtCache.Clear()
		a.roles.Clear()
	}
}

// invalidate applies an event of the Bus to the token caches.
func (p *PATs) invalidate(e invalidate.Event) {
	switch e.Kind {
	case invalidate.Token:
		p.Forget(e.Key)
	case invalidate.Handle:
		p.ForgetHandle(e.Key)
	case invalidate.All:
		p.cache.Clear()
		p.unknown.Clear()
	}
}

// CacheStats returns the hits and misses of the Authenticator's caches, by
// name: "session", "role", "pat", "pat_unknown".
func (a *Authenticator) CacheStats() map[string][2]uint64 {
	out := map[string][2]uint64{}
	add := func(name string, hits, misses uint64) { out[name] = [2]uint64{hits, misses} }
	h, m := a.jwtCache.Stats()
	add("session", h, m)
	if a.roles != nil {
		h, m = a.roles.Stats()
		add("role", h, m)
	}
	h, m = a.pats.cache.Stats()
	add("pat", h, m)
	h, m = a.pats.unknown.Stats()
	add("pat_unknown", h, m)
	return out
}
