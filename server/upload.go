package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
)

// uploadWriteTimeout bounds one upload's transfer: the URL must be used
// within UploadTTL, but a large body on a slow link may take longer.
const uploadWriteTimeout = time.Hour

// UploadObject takes the one PUT of a signed upload URL of the local blob
// store and streams its body into the store. The token is checked before
// anything is read; the upload is then claimed, so a second PUT is refused
// while this one runs and after it succeeded; a failed PUT gives the claim
// back so the URL can be tried again until it expires.
func (s *Server) UploadObject(ctx context.Context, req gen.UploadObjectRequestObject) (gen.UploadObjectResponseObject, error) {
	id, _, err := s.verifyToken(ctx, purposeUpload, req.UploadToken, tenx.EGONE)
	if err != nil {
		return nil, err
	}
	u, err := s.Files.ClaimUpload(ctx, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, errBadToken()
	}
	if err != nil {
		return nil, err
	}
	if err := s.storeUpload(ctx, u, req); err != nil {
		dctx, cancel := s.detached(ctx)
		defer cancel()
		if rerr := s.Files.ReleaseUpload(dctx, u.ID); rerr != nil {
			s.log.Warn("release upload", "upload", u.ID, "err", rerr)
		}
		return nil, err
	}
	return gen.UploadObject204Response{}, nil
}

// storeUpload checks the content type, streams the body and records the
// stored object.
func (s *Server) storeUpload(ctx context.Context, u *tenx.Upload, req gen.UploadObjectRequestObject) error {
	if !strings.EqualFold(strings.TrimSpace(req.ContentType), u.ContentType) {
		return &tenx.Error{Code: tenx.EVALIDATION, Field: "Content-Type",
			Message: "Content-Type must be " + u.ContentType + ", as declared"}
	}
	// The request's context carries the database deadline; the transfer
	// gets its own, and still ends when the client goes (the body's reads
	// fail).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), uploadWriteTimeout)
	defer cancel()
	if err := s.Blobs.Write(wctx, u.ObjectKey, req.Body, u.SizeBytes, u.ContentType); err != nil {
		return err
	}
	dctx, dcancel := s.detached(ctx)
	defer dcancel()
	err := s.Files.CompleteUpload(dctx, u.ID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		// Its file or deployment was deleted while the bytes arrived.
		if derr := s.Blobs.Delete(dctx, u.ObjectKey); derr != nil {
			s.log.Warn("delete orphaned upload", "key", u.ObjectKey, "err", derr)
		}
		return tenx.Errorf(tenx.ENOTFOUND, "the file of this upload was deleted")
	}
	return err
}

// detached is a context for the database after a long transfer: the
// request's values with a fresh deadline.
func (s *Server) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.DBTimeout)
}

// extendReadDeadline lets an upload's body take longer than the server's
// read timeout, which is sized for JSON requests.
func extendReadDeadline(c echo.Context) {
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(uploadWriteTimeout))
}
