package tenx

import (
	"context"
	"time"
)

// Page limits. Content is Markdown; its length is counted in characters.
const (
	MaxPageTitleLength       = 200
	MaxPageDescriptionLength = 500
	MaxPageContentLength     = 100_000
)

// PageAccessMode says who may read a published page.
type PageAccessMode string

// The access modes. Only PUBLIC is served: PAID needs billing and
// FREE_WITH_LOGIN needs visitor sign-in, which tenx does not have yet.
const (
	PageAccessPublic        PageAccessMode = "PUBLIC"
	PageAccessPaid          PageAccessMode = "PAID"
	PageAccessFreeWithLogin PageAccessMode = "FREE_WITH_LOGIN"
)

// PageStatus is where a page is in its life.
type PageStatus string

// A page is created DRAFT and becomes PUBLISHED, served at
// /p/{handle}/{slug}, when it is published.
const (
	PageDraft     PageStatus = "DRAFT"
	PagePublished PageStatus = "PUBLISHED"
)

// Page is a creator page of a handle: Markdown rendered as HTML once
// published. Its slug follows the rule of link slugs (ValidSlug).
type Page struct {
	Handle      string
	Slug        string
	Title       string
	Description string
	Content     string // Markdown
	AccessMode  PageAccessMode
	Status      PageStatus
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the page's fields; an access mode tenx cannot serve yet
// is EUNSUPPORTEDACCESSMODE.
func (p *Page) Validate() error {
	if !ValidSlug(p.Slug) {
		return &Error{Code: EVALIDATION, Field: "slug", Message: "slug must match ^[A-Za-z0-9_-]{4,24}$"}
	}
	if n := len([]rune(p.Title)); n == 0 || n > MaxPageTitleLength {
		return &Error{Code: EVALIDATION, Field: "title", Message: "title must be 1 to 200 characters"}
	}
	if len([]rune(p.Description)) > MaxPageDescriptionLength {
		return &Error{Code: EVALIDATION, Field: "description", Message: "description must be at most 500 characters"}
	}
	if len([]rune(p.Content)) > MaxPageContentLength {
		return &Error{Code: EVALIDATION, Field: "content", Message: "content must be at most 100000 characters"}
	}
	switch p.AccessMode {
	case PageAccessPublic:
		return nil
	case PageAccessPaid, PageAccessFreeWithLogin:
		return &Error{Code: EUNSUPPORTEDACCESSMODE, Field: "accessMode",
			Message: "accessMode " + string(p.AccessMode) + " needs billing and visitor sign-in, which this server does not offer yet: use PUBLIC"}
	}
	return &Error{Code: EVALIDATION, Field: "accessMode", Message: "accessMode must be PUBLIC"}
}

// PageFilter selects pages of one handle.
type PageFilter struct {
	Handle string
	Status PageStatus // "" for every status

	Limit     int
	NextToken string
}

// PageService stores pages. Its writes record their audit event in their
// own transaction.
type PageService interface {
	// FindPages lists pages by slug, one page at a time.
	FindPages(ctx context.Context, f PageFilter) ([]*Page, string, error)
	// FindPage returns ENOTFOUND for an unknown slug.
	FindPage(ctx context.Context, handle, slug string) (*Page, error)
	// CreatePage stores p as a DRAFT; a taken slug is ECONFLICT.
	CreatePage(ctx context.Context, p *Page) error
	// UpdatePage replaces the title, description, content and access mode
	// of an existing page, keeping its status; ENOTFOUND if it is unknown.
	UpdatePage(ctx context.Context, p *Page) error
	// PublishPage makes the page PUBLISHED (again) and returns it.
	PublishPage(ctx context.Context, handle, slug string) (*Page, error)
	// DeletePage returns ENOTFOUND for an unknown slug.
	DeletePage(ctx context.Context, handle, slug string) error
}
