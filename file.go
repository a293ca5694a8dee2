package tenx

import (
	"context"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"
)

// File and site error codes.
const (
	EFILEEXPIRED       = "file_expired"
	EQUOTAEXCEEDED     = "quota_exceeded"
	EMISSINGENTRYPOINT = "missing_entrypoint"
	EUPLOADINCOMPLETE  = "upload_incomplete"
)

// File statuses.
const (
	FilePending = "PENDING"
	FileReady   = "READY"
	FileExpired = "EXPIRED"
	// FileDeleted hides a file whose object is being removed.
	FileDeleted = "DELETED"
)

// UploadTTL is how long an upload URL works.
const UploadTTL = 15 * time.Minute

// File is an object a handle uploaded, downloadable by anyone who has its
// public link.
type File struct {
	ID          string
	Handle      string
	FileName    string
	ContentType string
	SizeBytes   int64
	Status      string
	ExpiresAt   *time.Time
	CreatedAt   time.Time
	UploadedAt  *time.Time
	// UploadID names the signed upload that fills the file.
	UploadID        string
	UploadExpiresAt time.Time
}

// ObjectKey is where the file's bytes live in the blob store.
func (f *File) ObjectKey() string { return "files/" + f.Handle + "/" + f.ID }

// Validate checks the fields a client chose, at now.
func (f *File) Validate(now time.Time, maxBytes int64) error {
	if f.FileName == "" || len(f.FileName) > 255 || strings.ContainsAny(f.FileName, "/\\") || hasControl(f.FileName) {
		return &Error{Code: EVALIDATION, Field: "fileName", Message: "fileName must be 1 to 255 characters, without / \\ or control characters"}
	}
	if !ValidContentType(f.ContentType) {
		return &Error{Code: EVALIDATION, Field: "contentType", Message: "contentType must be a media type such as image/png"}
	}
	if f.SizeBytes < 0 {
		return &Error{Code: EVALIDATION, Field: "sizeBytes", Message: "sizeBytes must not be negative"}
	}
	if f.SizeBytes > maxBytes {
		return &Error{Code: EPAYLOADTOOLARGE, Field: "sizeBytes", Message: "sizeBytes is over the limit of " + formatBytes(maxBytes) + " per file"}
	}
	if f.ExpiresAt != nil && !f.ExpiresAt.After(now) {
		return &Error{Code: EVALIDATION, Field: "expiresAt", Message: "expiresAt must be in the future"}
	}
	return nil
}

// ValidContentType reports whether s is a media type (type/subtype with
// optional parameters) that can be sent back in a Content-Type header.
func ValidContentType(s string) bool {
	if len(s) > 255 || hasControl(s) {
		return false
	}
	mt, _, err := mime.ParseMediaType(s)
	return err == nil && strings.Count(mt, "/") == 1 && !strings.HasPrefix(mt, "/") && !strings.HasSuffix(mt, "/")
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

func formatBytes(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// FileFilter selects the files of one handle.
type FileFilter struct {
	Handle string

	Limit     int
	NextToken string
}

// Upload is one signed upload URL's promise: exactly SizeBytes of
// ContentType into ObjectKey before ExpiresAt, once. It fills a file or a
// file of a deployment.
type Upload struct {
	ID           string
	Handle       string
	ObjectKey    string
	SizeBytes    int64
	ContentType  string
	ExpiresAt    time.Time
	FileID       string // or
	DeploymentID string
	Path         string
}

// FileService stores file metadata and the uploads that fill files and
// deployments.
type FileService interface {
	// FindFiles lists the handle's files newest first, one page at a time.
	FindFiles(ctx context.Context, f FileFilter) ([]*File, string, error)
	// FindFile returns ENOTFOUND for an unknown or deleted file.
	FindFile(ctx context.Context, handle, id string) (*File, error)
	// FindFileByID finds a file of any handle (the public download).
	FindFileByID(ctx context.Context, id string) (*File, error)
	// CreateFile stores a PENDING file and its upload; EQUOTAEXCEEDED when
	// the handle's stored bytes would pass quota. It sets ID, CreatedAt,
	// UploadID and UploadExpiresAt.
	CreateFile(ctx context.Context, f *File, quota int64) error
	// MarkFileReady makes a PENDING file READY (idempotent).
	MarkFileReady(ctx context.Context, handle, id string) (*File, error)
	// DeleteFile hides the file at once and returns its object key; the
	// object is then removed and RemoveFile drops the row (the purge job
	// finishes what a crash interrupts).
	DeleteFile(ctx context.Context, handle, id string) (string, error)
	// RemoveFile drops a deleted or purged file's row.
	RemoveFile(ctx context.Context, id string) error

	// FindUpload returns ENOTFOUND for an unknown upload.
	FindUpload(ctx context.Context, id string) (*Upload, error)
	// ClaimUpload takes the upload for one PUT: ECONFLICT when it is done
	// or taken by a PUT still running, EGONE when expired.
	ClaimUpload(ctx context.Context, id string) (*Upload, error)
	// ReleaseUpload gives a claimed upload back after a failed PUT.
	ReleaseUpload(ctx context.Context, id string) error
	// CompleteUpload records a stored object: the upload is used up and
	// its file READY or its deployment file uploaded.
	CompleteUpload(ctx context.Context, id string) error

	// URLSigningKey is the secret that signs upload, download and preview
	// URLs, made on first use and shared by every instance.
	URLSigningKey(ctx context.Context) ([]byte, error)
}

// BlobStore keeps objects (package blob).
type BlobStore interface {
	// Write stores exactly size bytes of r; a longer body is
	// EPAYLOADTOOLARGE and a shorter one EVALIDATION, and neither stores
	// anything.
	Write(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open reads an object and tells its size; ENOTFOUND if missing.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Size is the size of an object; ENOTFOUND if missing.
	Size(ctx context.Context, key string) (int64, error)
	// Delete removes an object; a missing one is no error.
	Delete(ctx context.Context, key string) error
	// SignedURL is a URL signed by the store itself for one method on key
	// (PUT with exactly contentType), or "" when the store cannot sign
	// (the local directory: tenx serves signed URLs itself).
	SignedURL(ctx context.Context, key, method, contentType string, expiry time.Duration) (string, error)
}

// Audit actions of files and deployments. file.uploaded and
// deployment.activated are also the webhook events of the same changes.
const (
	AuditFileCreated         = "file.created"
	AuditFileUploaded        = "file.uploaded"
	AuditFileDeleted         = "file.deleted"
	AuditDeploymentCreated   = "deployment.created"
	AuditDeploymentActivated = "deployment.activated"
)
