package server

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tenx"
	"tenx/gen"
)

// The file operations exist on both route families (JWT control plane and
// PAT automation); each pair shares one implementation below.

// ListFiles lists files (JWT).
func (s *Server) ListFiles(ctx context.Context, req gen.ListFilesRequestObject) (gen.ListFilesResponseObject, error) {
	out, err := s.listFiles(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListFiles200JSONResponse(out), nil
}

// ListFilesPublic lists files (PAT, files.read).
func (s *Server) ListFilesPublic(ctx context.Context, req gen.ListFilesPublicRequestObject) (gen.ListFilesPublicResponseObject, error) {
	out, err := s.listFiles(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListFilesPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listFiles(ctx context.Context, handle string, limit *int, next *string) (gen.FileList, error) {
	f := tenx.FileFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(limit, next)
	list, token, err := s.Files.FindFiles(ctx, f)
	if err != nil {
		return gen.FileList{}, err
	}
	out := gen.FileList{Files: make([]gen.File, 0, len(list)), NextToken: optional(token)}
	for _, file := range list {
		out.Files = append(out.Files, s.toAPIFile(file))
	}
	return out, nil
}

// CreateFile creates a pending file and its upload URL (JWT).
func (s *Server) CreateFile(ctx context.Context, req gen.CreateFileRequestObject) (gen.CreateFileResponseObject, error) {
	out, err := s.createFile(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateFile201JSONResponse(out), nil
}

// CreateFilePublic creates a pending file and its upload URL (PAT, files.write).
func (s *Server) CreateFilePublic(ctx context.Context, req gen.CreateFilePublicRequestObject) (gen.CreateFilePublicResponseObject, error) {
	out, err := s.createFile(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateFilePublic201JSONResponse{Body: out}, nil
}

func (s *Server) createFile(ctx context.Context, handle string, in *gen.FileCreate) (gen.FileCreated, error) {
	f := &tenx.File{Handle: handle, FileName: in.FileName, ContentType: in.ContentType, SizeBytes: in.SizeBytes,
		ExpiresAt: in.ExpiresAt}
	if err := f.Validate(s.now(), s.cfg.FileMaxBytes); err != nil {
		return gen.FileCreated{}, err
	}
	if err := s.Files.CreateFile(ctx, f, s.cfg.HandleQuota); err != nil {
		return gen.FileCreated{}, err
	}
	up, err := s.uploadURL(ctx, f.UploadID, f.ObjectKey(), f.ContentType, f.UploadExpiresAt)
	if err != nil {
		return gen.FileCreated{}, err
	}
	return gen.FileCreated{FileId: f.ID, Status: gen.FileCreatedStatus(tenx.FilePending), UploadUrl: up,
		UploadMethod: gen.PUT, UploadHeaders: map[string]string{"Content-Type": f.ContentType},
		UploadExpiresAt: f.UploadExpiresAt.UTC(), PublicUrl: s.filePublicURL(f.ID)}, nil
}

// uploadURL is where the bytes of an upload go: a URL signed by the blob
// store itself (S3), or tenx's own PUT /v2/uploads/{token}.
func (s *Server) uploadURL(ctx context.Context, uploadID, key, contentType string, exp time.Time) (string, error) {
	u, err := s.Blobs.SignedURL(ctx, key, http.MethodPut, contentType, exp.Sub(s.now()))
	if err != nil || u != "" {
		return u, err
	}
	token, err := s.signToken(ctx, purposeUpload, uploadID, exp)
	return s.cfg.PublicURL + "/v2/uploads/" + token, err
}

func (s *Server) filePublicURL(id string) string {
	return s.cfg.PublicURL + "/v2/public/files/" + url.PathEscape(id)
}

// GetFile returns one file (JWT).
func (s *Server) GetFile(ctx context.Context, req gen.GetFileRequestObject) (gen.GetFileResponseObject, error) {
	f, err := s.findFile(ctx, req.Handle, req.FileId)
	if err != nil {
		return nil, err
	}
	return gen.GetFile200JSONResponse(s.toAPIFile(f)), nil
}

// GetFilePublic returns one file (PAT, files.read).
func (s *Server) GetFilePublic(ctx context.Context, req gen.GetFilePublicRequestObject) (gen.GetFilePublicResponseObject, error) {
	f, err := s.findFile(ctx, req.Handle, req.FileId)
	if err != nil {
		return nil, err
	}
	return gen.GetFilePublic200JSONResponse{Body: s.toAPIFile(f)}, nil
}

func (s *Server) findFile(ctx context.Context, handle, id string) (*tenx.File, error) {
	f, err := s.Files.FindFile(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "file %q not found", id)
	}
	return f, err
}

// DeleteFile deletes a file (JWT).
func (s *Server) DeleteFile(ctx context.Context, req gen.DeleteFileRequestObject) (gen.DeleteFileResponseObject, error) {
	if err := s.deleteFile(ctx, req.Handle, req.FileId); err != nil {
		return nil, err
	}
	return gen.DeleteFile204Response{}, nil
}

// DeleteFilePublic deletes a file (PAT, files.write).
func (s *Server) DeleteFilePublic(ctx context.Context, req gen.DeleteFilePublicRequestObject) (gen.DeleteFilePublicResponseObject, error) {
	if err := s.deleteFile(ctx, req.Handle, req.FileId); err != nil {
		return nil, err
	}
	return gen.DeleteFilePublic204Response{}, nil
}

// deleteFile hides the file, then removes its object and its row. When
// the object cannot be removed now, the purge job finishes the deletion.
func (s *Server) deleteFile(ctx context.Context, handle, id string) error {
	key, err := s.Files.DeleteFile(ctx, handle, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return tenx.Errorf(tenx.ENOTFOUND, "file %q not found", id)
	}
	if err != nil {
		return err
	}
	if err := s.Blobs.Delete(ctx, key); err != nil {
		s.log.Warn("delete file object; the purge job will retry", "file", id, "err", err)
		return nil
	}
	if err := s.Files.RemoveFile(ctx, id); err != nil {
		s.log.Warn("remove deleted file; the purge job will retry", "file", id, "err", err)
	}
	return nil
}

// CompleteFile checks the upload arrived and marks the file READY (JWT).
func (s *Server) CompleteFile(ctx context.Context, req gen.CompleteFileRequestObject) (gen.CompleteFileResponseObject, error) {
	f, err := s.completeFile(ctx, req.Handle, req.FileId)
	if err != nil {
		return nil, err
	}
	return gen.CompleteFile200JSONResponse(s.toAPIFile(f)), nil
}

// CompleteFilePublic checks the upload arrived and marks the file READY
// (PAT, files.write).
func (s *Server) CompleteFilePublic(ctx context.Context, req gen.CompleteFilePublicRequestObject) (gen.CompleteFilePublicResponseObject, error) {
	f, err := s.completeFile(ctx, req.Handle, req.FileId)
	if err != nil {
		return nil, err
	}
	return gen.CompleteFilePublic200JSONResponse{Body: s.toAPIFile(f)}, nil
}

// completeFile is how an upload straight to S3 becomes READY: the object
// is looked up (a HEAD) and must have the declared size.
func (s *Server) completeFile(ctx context.Context, handle, id string) (*tenx.File, error) {
	f, err := s.findFile(ctx, handle, id)
	if err != nil || f.Status != tenx.FilePending {
		return f, err
	}
	size, err := s.Blobs.Size(ctx, f.ObjectKey())
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.EUPLOADINCOMPLETE, "the file has not been uploaded")
	}
	if err != nil {
		return nil, err
	}
	if size != f.SizeBytes {
		return nil, tenx.Errorf(tenx.EUPLOADINCOMPLETE, "the uploaded object has %d bytes, not the declared %d", size, f.SizeBytes)
	}
	return s.Files.MarkFileReady(ctx, handle, id)
}

// DownloadFile redirects to a short-lived signed URL of a public file.
func (s *Server) DownloadFile(ctx context.Context, req gen.DownloadFileRequestObject) (gen.DownloadFileResponseObject, error) {
	f, err := s.readableFile(ctx, req.FileId)
	if err != nil {
		return nil, err
	}
	exp := s.now().Add(tenx.DownloadURLTTL)
	loc, err := s.Blobs.SignedURL(ctx, f.ObjectKey(), http.MethodGet, "", tenx.DownloadURLTTL)
	if err == nil && loc == "" {
		var token string
		token, err = s.signToken(ctx, purposeDownload, f.ID, exp)
		loc = s.cfg.PublicURL + "/v2/downloads/" + token
	}
	if err != nil {
		return nil, err
	}
	return gen.DownloadFile302Response{Headers: gen.DownloadFile302ResponseHeaders{Location: &loc}}, nil
}

// readableFile is a READY file within its lifetime: an expired one is
// file_expired, a pending, deleted or unknown one not_found.
func (s *Server) readableFile(ctx context.Context, id string) (*tenx.File, error) {
	f, err := s.Files.FindFileByID(ctx, id)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "no such file")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case f.Status == tenx.FileExpired || (f.ExpiresAt != nil && !s.now().Before(*f.ExpiresAt)):
		return nil, tenx.Errorf(tenx.EFILEEXPIRED, "this file expired")
	case f.Status != tenx.FileReady:
		return nil, tenx.Errorf(tenx.ENOTFOUND, "no such file")
	}
	return f, nil
}

// ReadObject serves a public file's bytes from the local blob store, as an
// attachment that can run nothing.
func (s *Server) ReadObject(ctx context.Context, req gen.ReadObjectRequestObject) (gen.ReadObjectResponseObject, error) {
	id, _, err := s.verifyToken(ctx, purposeDownload, req.DownloadToken, tenx.ENOTFOUND)
	if err != nil {
		return nil, err
	}
	f, err := s.readableFile(ctx, id)
	if err != nil {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "no such file")
	}
	r, size, err := s.Blobs.Open(ctx, f.ObjectKey())
	if err != nil {
		return nil, err
	}
	return objectResponse{body: r, size: size, contentType: f.ContentType, fileName: f.FileName}, nil
}

// objectResponse streams a file as a download.
type objectResponse struct {
	body        io.ReadCloser
	size        int64
	contentType string
	fileName    string
}

// VisitReadObjectResponse writes the object with headers that keep the
// browser from running or sniffing it on this origin.
func (o objectResponse) VisitReadObjectResponse(w http.ResponseWriter) error {
	defer o.body.Close()
	h := w.Header()
	h.Set("Content-Type", o.contentType)
	h.Set("Content-Length", strconv.FormatInt(o.size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": o.fileName}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, err := io.Copy(w, o.body)
	return err
}

func (s *Server) toAPIFile(f *tenx.File) gen.File {
	status := f.Status
	if status != tenx.FilePending && f.ExpiresAt != nil && !s.now().Before(*f.ExpiresAt) {
		status = tenx.FileExpired
	}
	out := gen.File{FileId: f.ID, FileName: f.FileName, ContentType: f.ContentType, SizeBytes: f.SizeBytes,
		AccessMode: gen.FileAccessMode("PUBLIC"), Status: gen.FileStatus(status), PublicUrl: s.filePublicURL(f.ID),
		CreatedAt: f.CreatedAt.UTC(), ExpiresAt: f.ExpiresAt, UploadedAt: f.UploadedAt}
	return out
}
