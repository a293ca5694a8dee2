package tenx

import (
	"context"
	"time"
)

// Audit actions of platform administrators. The actor of each is the
// administrator (CLIActor for the tenx user command).
const (
	AuditUserDisabled     = "user.disabled"
	AuditUserEnabled      = "user.enabled"
	AuditUserPlanSet      = "user.plan_set"
	AuditHandleSuspended  = "handle.suspended"
	AuditHandleReinstated = "handle.unsuspended"
)

// AdminActions are the audit actions listed to platform administrators.
var AdminActions = []string{AuditUserDisabled, AuditUserEnabled, AuditUserPlanSet,
	AuditHandleSuspended, AuditHandleReinstated, AuditTokenRevoked}

// CLIActor names the operator's command line as the actor of its actions.
const CLIActor = "cli"

// Account is a user as a platform administrator sees it.
type Account struct {
	User       User
	Plan       Plan
	DisabledAt *time.Time
}

// AccountFilter selects users; Q searches their email.
type AccountFilter struct {
	Q string

	Limit     int
	NextToken string
}

// HandleStatus is a handle as a platform administrator sees it.
type HandleStatus struct {
	Handle      Handle
	OwnerEmail  string
	SuspendedAt *time.Time
}

// HandleStatusFilter selects handles; Q searches name and display name.
type HandleStatusFilter struct {
	Q string

	Limit     int
	NextToken string
}

// AdminService runs the platform administrators' actions. Each write
// records its audit event, naming the administrator in ctx (or CLIActor),
// in its own transaction.
type AdminService interface {
	// FindAccounts lists users by id, one page at a time.
	FindAccounts(ctx context.Context, f AccountFilter) ([]*Account, string, error)
	// FindAccount returns one user; ENOTFOUND if unknown.
	FindAccount(ctx context.Context, userID string) (*Account, error)
	// FindHandleStatuses lists handles by name, one page at a time.
	FindHandleStatuses(ctx context.Context, f HandleStatusFilter) ([]*HandleStatus, string, error)
	// FindHandleStatus returns one handle; ENOTFOUND if unknown.
	FindHandleStatus(ctx context.Context, name string) (*HandleStatus, error)
	// DisableUser disables the user and revokes their sessions, returning
	// their ids; disabling a disabled user changes nothing.
	DisableUser(ctx context.Context, userID string) (sessionIDs []string, err error)
	// EnableUser enables the user.
	EnableUser(ctx context.Context, userID string) error
	// SetHandleSuspended suspends or reinstates the handle.
	SetHandleSuspended(ctx context.Context, name string, suspended bool) error
	// FindAdminActions lists the administrators' audit events, newest first.
	FindAdminActions(ctx context.Context, f AuditFilter) ([]*AuditEvent, string, error)
}

// StandingService answers what administrators decided about a user or a
// handle; auth asks it where it re-validates a credential.
type StandingService interface {
	// UserDisabled reports whether the user is disabled.
	UserDisabled(ctx context.Context, userID string) (bool, error)
	// HandleSuspended reports whether the handle is suspended.
	HandleSuspended(ctx context.Context, name string) (bool, error)
}
