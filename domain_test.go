package tenx_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tenx"
)

func ptr[T any](v T) *T { return &v }

func TestLinkAvailability(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		link tenx.Link
		want string
	}{
		{"plain", tenx.Link{Enabled: true}, ""},
		{"disabled", tenx.Link{}, tenx.ENOTFOUND},
		{"starts later", tenx.Link{Enabled: true, ScheduledStartAt: ptr(now.Add(time.Second))}, tenx.ENOTFOUND},
		{"starts now", tenx.Link{Enabled: true, ScheduledStartAt: ptr(now)}, ""},
		{"expires now", tenx.Link{Enabled: true, ExpiresAt: ptr(now)}, tenx.EGONE},
		{"expires later", tenx.Link{Enabled: true, ExpiresAt: ptr(now.Add(time.Second))}, ""},
		{"schedule ended", tenx.Link{Enabled: true, ScheduledEndAt: ptr(now)}, tenx.EGONE},
		{"at its cap", tenx.Link{Enabled: true, MaxClicks: ptr(int64(3)), ClickCount: 3}, tenx.EGONE},
		{"below its cap", tenx.Link{Enabled: true, MaxClicks: ptr(int64(3)), ClickCount: 2}, ""},
		{"disabled wins over expired", tenx.Link{ExpiresAt: ptr(now.Add(-time.Hour))}, tenx.ENOTFOUND},
	}
	for _, tt := range tests {
		if got := tt.link.Availability(now); got != tt.want {
			t.Errorf("%s: Availability = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLinkValidate(t *testing.T) {
	valid := func() tenx.Link {
		return tenx.Link{Slug: "launch", DestinationURL: "https://example.com/x", RedirectType: 302}
	}
	now := time.Now()
	tests := []struct {
		name  string
		edit  func(*tenx.Link)
		field string
	}{
		{"valid", func(*tenx.Link) {}, ""},
		{"short slug", func(l *tenx.Link) { l.Slug = "abc" }, "slug"},
		{"slug with a slash", func(l *tenx.Link) { l.Slug = "a/bcd" }, "slug"},
		{"javascript url", func(l *tenx.Link) { l.DestinationURL = "javascript:alert(1)" }, "destinationUrl"},
		{"no host", func(l *tenx.Link) { l.DestinationURL = "https:///x" }, "destinationUrl"},
		{"redirect 301", func(l *tenx.Link) { l.RedirectType = 301 }, "redirectType"},
		{"too many tags", func(l *tenx.Link) { l.Tags = make([]string, 21) }, "tags"},
		{"empty tag", func(l *tenx.Link) { l.Tags = []string{""} }, "tags"},
		{"long title", func(l *tenx.Link) { l.Title = strings.Repeat("t", 201) }, "title"},
		{"end before start", func(l *tenx.Link) { l.ScheduledStartAt, l.ScheduledEndAt = ptr(now), ptr(now) }, "scheduledEndAt"},
		{"zero cap", func(l *tenx.Link) { l.MaxClicks = ptr(int64(0)) }, "maxClicks"},
	}
	for _, tt := range tests {
		l := valid()
		tt.edit(&l)
		checkField(t, tt.name, l.Validate(), tt.field)
	}
}

// checkField wants a validation_error naming field, or no error for "".
func checkField(t *testing.T, name string, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return
	}
	e, ok := err.(*tenx.Error)
	if !ok || e.Code != tenx.EVALIDATION || e.Field != field {
		t.Errorf("%s: got %v, want validation_error on %s", name, err, field)
	}
}

func TestHandleValidate(t *testing.T) {
	tests := []struct{ name, display, field string }{
		{"acme", "", ""},
		{"a-b-c-1", "Acme", ""},
		{"ab", "", "handle"},
		{"Acme", "", "handle"},
		{"-acme", "", "handle"},
		{"docs", "", "handle"},
		{"acme", strings.Repeat("é", 101), "displayName"},
	}
	for _, tt := range tests {
		h := tenx.Handle{Name: tt.name, DisplayName: tt.display}
		checkField(t, tt.name, h.Validate(), tt.field)
	}
	checkField(t, "update", tenx.HandleUpdate{DisplayName: ptr(strings.Repeat("x", 101))}.Validate(), "displayName")
	checkField(t, "empty update", tenx.HandleUpdate{}.Validate(), "")
}

func TestValidateCollaborators(t *testing.T) {
	var many []tenx.Collaborator
	for i := 0; i <= tenx.MaxCollaborators; i++ {
		many = append(many, tenx.Collaborator{UserID: fmt.Sprint("usr_", i), Role: tenx.RoleCreator})
	}
	tests := []struct {
		name string
		list []tenx.Collaborator
		ok   bool
	}{
		{"empty", nil, true},
		{"two", []tenx.Collaborator{{"usr_a", tenx.RoleCreator}, {"usr_b", tenx.RoleOperator}}, true},
		{"owner role", []tenx.Collaborator{{"usr_a", tenx.RoleOwner}}, false},
		{"unknown role", []tenx.Collaborator{{"usr_a", "ADMIN"}}, false},
		{"owner listed", []tenx.Collaborator{{"usr_owner", tenx.RoleCreator}}, false},
		{"duplicate", []tenx.Collaborator{{"usr_a", tenx.RoleCreator}, {"usr_a", tenx.RoleOperator}}, false},
		{"no user", []tenx.Collaborator{{"", tenx.RoleCreator}}, false},
		{"over the cap", many, false},
		{"at the cap", many[:tenx.MaxCollaborators], true},
	}
	for _, tt := range tests {
		err := tenx.ValidateCollaborators("usr_owner", tt.list)
		if (err == nil) != tt.ok || (err != nil && tenx.ErrorCode(err) != tenx.EINVALIDCOLLABORATORS) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestRolesAndTokens(t *testing.T) {
	if !tenx.RoleOwner.AtLeast(tenx.RoleOperator) || tenx.RoleCreator.AtLeast(tenx.RoleOperator) ||
		tenx.Role("ADMIN").AtLeast(tenx.RoleCreator) || !tenx.RoleOperator.AtLeast(tenx.RoleOperator) {
		t.Error("role order is wrong")
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		tok  tenx.Token
		want string
	}{
		{tenx.Token{}, ""},
		{tenx.Token{ExpiresAt: ptr(now)}, tenx.ETOKENEXPIRED},
		{tenx.Token{ExpiresAt: ptr(now.Add(time.Second))}, ""},
		{tenx.Token{RevokedAt: ptr(now), ExpiresAt: ptr(now)}, tenx.ETOKENREVOKED},
	} {
		if got := tt.tok.Usable(now); got != tt.want {
			t.Errorf("Usable(%+v) = %q, want %q", tt.tok, got, tt.want)
		}
	}
	if tenx.ErrorCode(fmt.Errorf("wrapped: %w", tenx.Errorf(tenx.ECONFLICT, "x"))) != tenx.ECONFLICT ||
		tenx.ErrorCode(fmt.Errorf("plain")) != tenx.EINTERNAL || tenx.ErrorMessage(fmt.Errorf("secret")) == "secret" {
		t.Error("error codes do not unwrap, or internal messages leak")
	}
}
