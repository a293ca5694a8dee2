// Package blob keeps tenx's objects (uploaded files, site deployments) in a
// blob store through gocloud.dev/blob: a local directory (the default) or
// any S3-compatible store. It is the one package that touches the
// filesystem or S3 for objects.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"

	"tenx"
)

// Bucket is an open blob store. It implements tenx.BlobStore.
type Bucket struct {
	b *blob.Bucket
	// presigns is true for stores that sign their own URLs (S3); the local
	// directory has tenx serve its signed URLs instead.
	presigns bool
}

var _ tenx.BlobStore = (*Bucket)(nil)

// Open opens the store named by rawURL:
//
//   - file:///abs/dir (or a plain path) for a local directory, created
//     readable by this user only;
//   - s3://bucket?endpoint=http://host:port&region=us-east-1&use_path_style=true
//     for an S3-compatible store. Credentials come from the URL's user
//     information (s3://KEY:SECRET@bucket) or else the standard AWS
//     environment and files.
func Open(ctx context.Context, rawURL string) (*Bucket, error) {
	if !strings.Contains(rawURL, "://") {
		return openDir(rawURL)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open blob store: the URL does not parse")
	}
	switch u.Scheme {
	case "file":
		return openDir(u.Path)
	case "s3":
		return openS3(ctx, u)
	}
	return nil, fmt.Errorf("open blob store: unsupported scheme %q: want file:// or s3://", u.Scheme)
}

func openDir(dir string) (*Bucket, error) {
	if dir == "" {
		return nil, errors.New("open blob store: empty directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	// Content types live in the database; no metadata side files.
	b, err := fileblob.OpenBucket(abs, &fileblob.Options{DirFileMode: 0o700, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	return &Bucket{b: b}, nil
}

// openS3 opens an S3 bucket with the endpoint, region and path style of
// u's query.
func openS3(ctx context.Context, u *url.URL) (*Bucket, error) {
	q := u.Query()
	region := q.Get("region")
	if region == "" {
		region = "us-east-1"
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
	if u.User != nil {
		secret, _ := u.User.Password()
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(u.User.Username(), secret, "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	pathStyle := q.Get("use_path_style") == "true"
	endpoint := q.Get("endpoint")
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.UsePathStyle = pathStyle
	})
	b, err := s3blob.OpenBucket(ctx, client, u.Host, nil)
	if err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	return &Bucket{b: b, presigns: true}, nil
}

// Close releases the store.
func (b *Bucket) Close() error { return b.b.Close() }

// Presigns reports whether the store signs its own URLs (S3).
func (b *Bucket) Presigns() bool { return b.presigns }

// Write stores exactly size bytes from r under key. A body longer than size
// is EPAYLOADTOOLARGE, a shorter one EVALIDATION; either way, and on any
// other failure, nothing is stored (an existing object is left as it was).
// r is streamed, never held whole.
func (b *Bucket) Write(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // a writer whose context ends before Close stores nothing
	w, err := b.b.NewWriter(ctx, key, &blob.WriterOptions{ContentType: contentType, DisableContentTypeDetection: true})
	if err != nil {
		return wrap(err, "write object")
	}
	n, err := io.Copy(w, io.LimitReader(r, size+1))
	switch {
	case err != nil:
		cancel()
		_ = w.Close()
		return fmt.Errorf("write object: %w", err)
	case n > size:
		cancel()
		_ = w.Close()
		return tenx.Errorf(tenx.EPAYLOADTOOLARGE, "the body is longer than the declared %d bytes", size)
	case n < size:
		cancel()
		_ = w.Close()
		return &tenx.Error{Code: tenx.EVALIDATION, Field: "Content-Length",
			Message: fmt.Sprintf("the body has %d bytes, not the declared %d", n, size)}
	}
	return wrap(w.Close(), "write object")
}

// Open returns a reader of the object and its size; ENOTFOUND if missing.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	r, err := b.b.NewReader(ctx, key, nil)
	if err != nil {
		return nil, 0, wrap(err, "read object")
	}
	return r, r.Size(), nil
}

// Size returns the size of the object; ENOTFOUND if missing.
func (b *Bucket) Size(ctx context.Context, key string) (int64, error) {
	a, err := b.b.Attributes(ctx, key)
	if err != nil {
		return 0, wrap(err, "stat object")
	}
	return a.Size, nil
}

// Delete removes the object; a missing one is no error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	err := b.b.Delete(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return wrap(err, "delete object")
}

// SignedURL returns a URL that allows method (GET or PUT, the latter with
// exactly contentType) on key until expiry, signed by the store itself; ""
// when the store does not sign URLs (the local directory).
func (b *Bucket) SignedURL(ctx context.Context, key, method, contentType string, expiry time.Duration) (string, error) {
	if !b.presigns {
		return "", nil
	}
	opts := &blob.SignedURLOptions{Expiry: expiry, Method: method}
	if method == "PUT" {
		// s3blob refuses ContentType for PUT with the AWS SDK v2; set on
		// the request before signing, it becomes a signed header.
		opts.BeforeSign = func(as func(any) bool) error {
			var in *s3.PutObjectInput
			if as(&in) {
				in.ContentType = aws.String(contentType)
			}
			return nil
		}
	}
	u, err := b.b.SignedURL(ctx, key, opts)
	return u, wrap(err, "sign URL")
}

// wrap gives store errors their public meaning: a missing object is
// ENOTFOUND, an unreachable store EUNAVAILABLE; the rest are internal.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	if gcerrors.Code(err) == gcerrors.NotFound {
		return tenx.Errorf(tenx.ENOTFOUND, "object not found")
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return &tenx.Error{Code: tenx.EUNAVAILABLE, Message: "blob store unavailable"}
	}
	return fmt.Errorf("%s: %w", op, err)
}
