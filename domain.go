package tenx

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DomainStatus says whether a custom domain is served.
type DomainStatus string

// The states of a custom domain.
const (
	DomainPending DomainStatus = "PENDING"
	DomainActive  DomainStatus = "ACTIVE"
)

// Domain limits.
const (
	MaxDomainLength     = 253
	MaxPathRules        = 50
	MaxPathPrefix       = 100
	MaxPathPriority     = 1000
	DefaultPathPriority = 100
)

// TXTLabel is the label under which a domain's verification record lives.
const TXTLabel = "_tenx-challenge"

// txtValuePrefix starts every verification value.
const txtValuePrefix = "tenx-verify="

var (
	domainPattern     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
	pathPrefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)
)

// Domain is a custom domain claimed by one user (its account), verified by
// a DNS TXT record, that serves the user's handles once ACTIVE.
type Domain struct {
	Name          string
	UserID        string
	Status        DomainStatus
	DefaultHandle string
	PathRules     []PathRule
	// TXTValue is the value the TXT record at TXTName must carry.
	TXTValue   string
	Reason     string // why a PENDING domain is not active, after a check
	CheckedAt  *time.Time
	VerifiedAt *time.Time
	CreatedAt  time.Time
}

// PathRule serves the requests under PathPrefix from Handle.
type PathRule struct {
	PathPrefix string
	Handle     string
	Priority   int
}

// TXTName is the DNS name of the domain's verification record.
func (d *Domain) TXTName() string { return TXTLabel + "." + d.Name }

// NewTXTValue returns a fresh verification value.
func NewTXTValue() string { return txtValuePrefix + RandomBase62(24) }

// ValidDomainName reports whether name is a lower-case host name with at
// least two labels, the last of which starts with a letter (so no IP
// address is ever one).
func ValidDomainName(name string) bool {
	return len(name) <= MaxDomainLength && domainPattern.MatchString(name)
}

// ValidateDomainName checks a domain named in a request.
func ValidateDomainName(name string) error {
	if !ValidDomainName(name) {
		return &Error{Code: EVALIDATION, Field: "domain",
			Message: "domain must be a lower-case host name such as links.example.com"}
	}
	return nil
}

// ValidatePathRules checks a domain's path rules: valid prefixes and
// handles, priorities in range, no prefix twice at the same priority.
func ValidatePathRules(rules []PathRule) error {
	if len(rules) > MaxPathRules {
		return &Error{Code: EVALIDATION, Field: "pathRules", Message: "at most 50 path rules"}
	}
	seen := make(map[PathRule]bool, len(rules))
	for _, r := range rules {
		switch {
		case len(r.PathPrefix) > MaxPathPrefix || !pathPrefixPattern.MatchString(r.PathPrefix):
			return &Error{Code: EVALIDATION, Field: "pathRules.pathPrefix",
				Message: "pathPrefix must be a path such as /shop, of at most 100 characters"}
		case !ValidHandleName(r.Handle):
			return &Error{Code: EVALIDATION, Field: "pathRules.handle", Message: "handle " + r.Handle + " is not a valid handle"}
		case r.Priority < 0 || r.Priority > MaxPathPriority:
			return &Error{Code: EVALIDATION, Field: "pathRules.priority", Message: "priority must be 0 to 1000"}
		}
		key := PathRule{PathPrefix: r.PathPrefix, Priority: r.Priority}
		if seen[key] {
			return &Error{Code: EVALIDATION, Field: "pathRules",
				Message: "two rules for " + r.PathPrefix + " have the same priority"}
		}
		seen[key] = true
	}
	return nil
}

// Handles lists every handle the domain serves, once each.
func (d *Domain) Handles() []string {
	out := []string{d.DefaultHandle}
	for _, r := range d.PathRules {
		if !slices.Contains(out, r.Handle) {
			out = append(out, r.Handle)
		}
	}
	return out
}

// Route picks the handle that serves path on this domain and the path
// left for it: the rule with the longest prefix that matches on whole
// segments, ties to the lowest priority, else the default handle with the
// whole path.
func (d *Domain) Route(path string) (handle, rest string) {
	best := -1
	for i, r := range d.PathRules {
		if path != r.PathPrefix && !strings.HasPrefix(path, r.PathPrefix+"/") {
			continue
		}
		if best < 0 || len(r.PathPrefix) > len(d.PathRules[best].PathPrefix) ||
			(len(r.PathPrefix) == len(d.PathRules[best].PathPrefix) && r.Priority < d.PathRules[best].Priority) {
			best = i
		}
	}
	if best < 0 {
		return d.DefaultHandle, path
	}
	rest = strings.TrimPrefix(path, d.PathRules[best].PathPrefix)
	if rest == "" {
		rest = "/"
	}
	return d.PathRules[best].Handle, rest
}

// CheckTXT compares the values found at the domain's TXT name with the one
// it needs, and says what is wrong when none matches ("" when one does).
func (d *Domain) CheckTXT(values []string) string {
	if len(values) == 0 {
		return "no TXT record found at " + d.TXTName() + "; publish one with the value " + d.TXTValue
	}
	for _, v := range values {
		if strings.TrimSpace(v) == d.TXTValue {
			return ""
		}
	}
	return "the TXT record at " + d.TXTName() + " does not carry the value " + d.TXTValue
}

// DomainFilter selects the domains of one user.
type DomainFilter struct {
	UserID string

	Limit     int
	NextToken string
}

// DomainService stores custom domains. Its writes record their audit event
// in their own transaction.
type DomainService interface {
	// CreateDomain inserts d as PENDING (CreatedAt set by the store); a
	// domain the user already claimed, or one ACTIVE for another user, is
	// ECONFLICT.
	CreateDomain(ctx context.Context, d *Domain) error
	// FindDomain returns the user's claim of name; ENOTFOUND if none.
	FindDomain(ctx context.Context, userID, name string) (*Domain, error)
	// FindDomains lists the user's domains by name, one page at a time.
	FindDomains(ctx context.Context, f DomainFilter) ([]*Domain, string, error)
	// DeleteDomain releases the user's claim of name; ENOTFOUND if none.
	DeleteDomain(ctx context.Context, userID, name string) error
	// ReplaceDomainRoutes sets the default handle and path rules.
	ReplaceDomainRoutes(ctx context.Context, userID, name, defaultHandle string, rules []PathRule) (*Domain, error)
	// RecordDomainCheck stores the outcome of a TXT check at checkedAt:
	// reason "" makes the domain ACTIVE (ECONFLICT when it is ACTIVE for
	// another user), anything else keeps it PENDING with that reason.
	RecordDomainCheck(ctx context.Context, userID, name, reason string, checkedAt time.Time) (*Domain, error)
}

// DomainHosts finds the ACTIVE domain a request's Host names. Host routing
// goes through this one interface, so that how its answers are cached (and
// how a deletion reaches other instances) can change behind it.
type DomainHosts interface {
	// ActiveDomain returns the ACTIVE domain named host, ENOTFOUND if none.
	ActiveDomain(ctx context.Context, host string) (*Domain, error)
	// Forget drops what is known about host, after a change made here.
	Forget(host string)
}

// TXTResolver looks up DNS TXT records.
type TXTResolver interface {
	// LookupTXT returns the TXT values at name: none (and no error) when
	// the name or record does not exist; EUNAVAILABLE when the resolver
	// cannot answer.
	LookupTXT(ctx context.Context, name string) ([]string, error)
}
