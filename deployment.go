package tenx

import (
	"context"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Deployment statuses.
const (
	DeploymentPending  = "PENDING_UPLOAD"
	DeploymentActive   = "ACTIVE"
	DeploymentInactive = "INACTIVE"
)

// Site limits.
const (
	MaxDeploymentFiles   = 1000
	MaxSitePathLength    = 512
	MaxCommitMessage     = 500
	SiteEntrypoint       = "index.html"
	InlineHTMLType       = "text/html; charset=utf-8"
	DefaultKeepDeploys   = 10
	DefaultFileMaxBytes  = 250 << 20
	DefaultHandleQuota   = 5 << 30
	PreviewTTL           = time.Hour
	DownloadURLTTL       = 5 * time.Minute
	PendingFileRetention = time.Hour // after its upload URL expired
)

// Deployment is one version of a handle's static site. At most one of a
// handle's deployments is ACTIVE: the live site.
type Deployment struct {
	ID            string
	Handle        string
	Status        string
	CommitMessage string
	Files         []DeploymentFile
	// FileCount and TotalSize are as stored (a listed deployment carries
	// no Files).
	FileCount   int
	TotalSize   int64
	CreatedAt   time.Time
	ActivatedAt *time.Time
	// UploadExpiresAt is when the uploads of a manifest stop working.
	UploadExpiresAt time.Time
}

// DeploymentFile is one file of a deployment.
type DeploymentFile struct {
	Path        string
	ContentType string
	SizeBytes   int64
	Uploaded    bool
	// UploadID names the signed upload that fills it (manifests only).
	UploadID string
}

// DeploymentObjectKey is where the file p of deployment id of handle lives in the blob
// store.
func DeploymentObjectKey(handle, id, p string) string {
	return "sites/" + handle + "/" + id + "/" + p
}

// TotalBytes is the sum of the files' sizes.
func (d *Deployment) TotalBytes() int64 {
	var n int64
	for _, f := range d.Files {
		n += f.SizeBytes
	}
	return n
}

// Validate checks a manifest's files and the commit message.
func (d *Deployment) Validate(maxBytes int64) error {
	if utf8.RuneCountInString(d.CommitMessage) > MaxCommitMessage {
		return &Error{Code: EVALIDATION, Field: "commitMessage", Message: "commitMessage must be at most 500 characters"}
	}
	if len(d.Files) == 0 || len(d.Files) > MaxDeploymentFiles {
		return &Error{Code: EVALIDATION, Field: "files", Message: "files must list 1 to 1000 files"}
	}
	seen := make(map[string]bool, len(d.Files))
	for _, f := range d.Files {
		if !ValidSitePath(f.Path) {
			return &Error{Code: EVALIDATION, Field: "files.path",
				Message: "path " + quote(f.Path) + " must be a clean relative path (no leading /, no . or .. segments, no //, \\ or control characters)"}
		}
		if seen[f.Path] {
			return &Error{Code: EVALIDATION, Field: "files.path", Message: "path " + quote(f.Path) + " is listed twice"}
		}
		seen[f.Path] = true
		if !ValidContentType(f.ContentType) {
			return &Error{Code: EVALIDATION, Field: "files.contentType", Message: "contentType of " + quote(f.Path) + " must be a media type"}
		}
		if f.SizeBytes < 0 {
			return &Error{Code: EVALIDATION, Field: "files.sizeBytes", Message: "sizeBytes must not be negative"}
		}
		if f.SizeBytes > maxBytes {
			return &Error{Code: EPAYLOADTOOLARGE, Field: "files.sizeBytes",
				Message: "file " + quote(f.Path) + " is over the limit of " + formatBytes(maxBytes) + " per file"}
		}
	}
	return nil
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return `"` + s + `"`
}

// ValidSitePath reports whether p can name a file of a site: relative,
// already clean, UTF-8 without control characters or backslashes.
func ValidSitePath(p string) bool {
	if p == "" || len(p) > MaxSitePathLength || !utf8.ValidString(p) || hasControl(p) ||
		strings.ContainsAny(p, "\\?#") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	return path.Clean(p) == p && p != "." && p != ".." && !strings.HasPrefix(p, "../")
}

// DeploymentFilter selects the deployments of one handle.
type DeploymentFilter struct {
	Handle string

	Limit     int
	NextToken string
}

// DeploymentService stores site deployments.
type DeploymentService interface {
	// FindDeployments lists the handle's deployments newest first, without
	// their files.
	FindDeployments(ctx context.Context, f DeploymentFilter) ([]*Deployment, string, error)
	// FindDeployment returns the deployment with its files; ENOTFOUND for
	// an unknown one (of that handle).
	FindDeployment(ctx context.Context, handle, id string) (*Deployment, error)
	// FindDeploymentByID finds a deployment of any handle (previews).
	FindDeploymentByID(ctx context.Context, id string) (*Deployment, error)
	// FindActiveDeployment returns the handle's live deployment with its
	// files; ENOTFOUND when it has none.
	FindActiveDeployment(ctx context.Context, handle string) (*Deployment, error)
	// CreateDeployment stores d (ACTIVE and live at once when its Status
	// is ACTIVE, else PENDING_UPLOAD with one upload per file);
	// EQUOTAEXCEEDED when the handle's stored bytes would pass quota. It
	// sets ID, CreatedAt, the files' UploadIDs and UploadExpiresAt. The
	// caller has chosen d.ID when it wrote objects first.
	CreateDeployment(ctx context.Context, d *Deployment, quota int64) error
	// MarkDeploymentFilesUploaded records files found in the blob store.
	MarkDeploymentFilesUploaded(ctx context.Context, id string, paths []string) error
	// ActivateDeployment makes d live: EMISSINGENTRYPOINT without a root
	// index.html, EUPLOADINCOMPLETE while a file is not uploaded.
	ActivateDeployment(ctx context.Context, handle, id string) (*Deployment, error)
}

// PurgeService finds and drops what the purge job removes.
type PurgeService interface {
	// FindPurgeableFiles lists up to limit files whose object should go:
	// deleted ones, expired ones still holding an object, and pending ones
	// whose upload URL expired before cutoff.
	FindPurgeableFiles(ctx context.Context, now, pendingCutoff time.Time, limit int) ([]*File, error)
	// ExpireFile marks an expired file EXPIRED once its object is gone.
	ExpireFile(ctx context.Context, id string) error
	// FindSurplusDeployments lists up to limit deployments beyond each
	// handle's keep newest, never an ACTIVE one, with their files.
	FindSurplusDeployments(ctx context.Context, keep, limit int) ([]*Deployment, error)
	// RemoveDeployment drops a deployment's rows once its objects are gone.
	RemoveDeployment(ctx context.Context, id string) error
}
