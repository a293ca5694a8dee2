package tenx

import (
	"context"
	"regexp"
	"time"
)

// MaxCollaborators bounds the collaborator list of one handle (the owner is
// not counted).
const MaxCollaborators = 100

// MaxDisplayNameLength bounds a handle's display name.
const MaxDisplayNameLength = 100

var handlePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,31}$`)

// reservedHandles would shadow the server's own top-level routes, since
// short links live at /{handle}/{slug}.
var reservedHandles = map[string]bool{"api": true, "app": true, "docs": true, "healthz": true,
	"readyz": true, "openapi": true, "static": true, "assets": true, "well-known": true, "admin": true,
	"mcp": true}

// ValidHandleName reports whether name can name a handle: it matches the
// pattern and is not reserved for the server's own routes.
func ValidHandleName(name string) bool {
	return handlePattern.MatchString(name) && !reservedHandles[name]
}

// Handle is a named creator workspace. Its creator is its first OWNER.
// Its ID (hdl_...) is set by the store and never changes: a name deleted
// and taken again is another handle with another ID, and whatever outlives
// a handle (its audit trail) is keyed by the ID.
type Handle struct {
	ID          string
	Name        string
	DisplayName string
	OwnerID     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the handle's name and display name.
func (h *Handle) Validate() error {
	if !handlePattern.MatchString(h.Name) {
		return &Error{Code: EVALIDATION, Field: "handle",
			Message: "handle must match ^[a-z0-9][a-z0-9-]{2,31}$"}
	}
	if reservedHandles[h.Name] {
		return &Error{Code: EVALIDATION, Field: "handle", Message: "handle " + h.Name + " is reserved"}
	}
	return validateDisplayName(h.DisplayName)
}

func validateDisplayName(name string) error {
	if len([]rune(name)) > MaxDisplayNameLength {
		return &Error{Code: EVALIDATION, Field: "displayName",
			Message: "displayName must be at most 100 characters"}
	}
	return nil
}

// HandleAccess is a handle as one user reaches it.
type HandleAccess struct {
	Handle Handle
	Role   Role
}

// Collaborator is a non-owner member of a handle.
type Collaborator struct {
	UserID string
	Role   Role
}

// ValidateCollaborators checks a full replacement list: size, roles, no
// duplicates, and that the owner is not listed with another role.
func ValidateCollaborators(ownerID string, list []Collaborator) error {
	if len(list) > MaxCollaborators {
		return Errorf(EINVALIDCOLLABORATORS, "at most %d collaborators", MaxCollaborators)
	}
	seen := make(map[string]bool, len(list))
	for _, c := range list {
		switch {
		case c.UserID == "":
			return Errorf(EINVALIDCOLLABORATORS, "every collaborator needs a userId")
		case c.Role != RoleCreator && c.Role != RoleOperator:
			return Errorf(EINVALIDCOLLABORATORS, "role of %s must be CREATOR or OPERATOR", c.UserID)
		case c.UserID == ownerID:
			return Errorf(EINVALIDCOLLABORATORS, "the owner is kept and cannot be listed as a collaborator")
		case seen[c.UserID]:
			return Errorf(EINVALIDCOLLABORATORS, "user %s is listed twice", c.UserID)
		}
		seen[c.UserID] = true
	}
	return nil
}

// HandleUpdate holds the fields a PATCH may change; nil means unchanged.
type HandleUpdate struct {
	DisplayName *string
}

// Validate checks the fields that change.
func (u HandleUpdate) Validate() error {
	if u.DisplayName != nil {
		return validateDisplayName(*u.DisplayName)
	}
	return nil
}

// HandleService stores handles and who may reach them. Its audited writes
// record their audit event in their own transaction.
type HandleService interface {
	// CreateHandle inserts h and makes h.OwnerID its OWNER; a taken name is ECONFLICT.
	CreateHandle(ctx context.Context, h *Handle) error
	// FindHandle returns ENOTFOUND for an unknown name.
	FindHandle(ctx context.Context, name string) (*Handle, error)
	// FindHandlesForUser lists every handle the user has a role on, by name.
	FindHandlesForUser(ctx context.Context, userID string) ([]HandleAccess, error)
	// UpdateHandle applies upd and returns the new handle.
	UpdateHandle(ctx context.Context, name string, upd HandleUpdate) (*Handle, error)
	// DeleteHandle removes the handle and its memberships.
	DeleteHandle(ctx context.Context, name string) error
	// FindRole returns the user's role on the handle, ENOTFOUND if none.
	FindRole(ctx context.Context, handle, userID string) (Role, error)
	// FindCollaborators returns the owner's user id and the non-owner
	// members, by user id; ENOTFOUND for an unknown handle.
	FindCollaborators(ctx context.Context, handle string) (ownerID string, list []Collaborator, err error)
	// ReplaceCollaborators replaces the non-owner members in one transaction;
	// an unknown user id is EINVALIDCOLLABORATORS. In the same transaction
	// it revokes the handle's PATs whose creator is no longer OWNER or
	// OPERATOR, and returns their ids.
	ReplaceCollaborators(ctx context.Context, handle string, list []Collaborator) (revokedTokenIDs []string, err error)
	// TransferOwnership makes newOwnerID the OWNER and the old owner an
	// OPERATOR; an unknown user is ENOTFOUND.
	TransferOwnership(ctx context.Context, handle, newOwnerID string) error
}
