package tenx

// Role is a user's role on one handle. Roles are ordered:
// CREATOR < OPERATOR < OWNER.
type Role string

// The handle roles.
const (
	RoleCreator  Role = "CREATOR"
	RoleOperator Role = "OPERATOR"
	RoleOwner    Role = "OWNER"
)

// rank orders the roles; an unknown role ranks below every real one.
func (r Role) rank() int {
	switch r {
	case RoleCreator:
		return 1
	case RoleOperator:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }
