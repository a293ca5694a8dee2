package tenx

import (
	"context"
	"time"
)

// Audit actions.
const (
	AuditTokenCreated          = "token.created"
	AuditTokenRotated          = "token.rotated"
	AuditTokenRevoked          = "token.revoked"
	AuditCollaboratorsReplaced = "collaborators.replaced"
	AuditOwnershipTransferred  = "ownership.transferred"
	AuditLogin                 = "user.login"
)

// AuditEvent records who did what to a handle, and from where.
type AuditEvent struct {
	ID           string
	Handle       string // "" for events of a user, such as logins
	Action       string
	ActorUserID  string
	ActorTokenID string
	TargetID     string
	IP           string
	CreatedAt    time.Time
}

// AuditFilter selects the audit events of one handle.
type AuditFilter struct {
	Handle string

	Limit     int
	NextToken string
}

// AuditService reads the audit trail. Events are written by the store
// itself, in the transaction of each audited write (CreateToken,
// RevokeToken, RotateToken, ReplaceCollaborators, TransferOwnership,
// CreateSession), with the actor and address taken from the context.
type AuditService interface {
	// FindAuditEvents lists a handle's events, newest first.
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, string, error)
}
