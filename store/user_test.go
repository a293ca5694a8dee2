package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/store/storetest"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, clock := mustOpen(t, url)
		u := &tenx.User{Email: " Ann@Example.com ", PasswordHash: "h", IsAdmin: true}
		if err := db.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.ID, "usr_") || len(u.ID) != 24 {
			t.Errorf("ID = %q, want usr_ and 20 characters", u.ID)
		}
		want := &tenx.User{ID: u.ID, Email: "ann@example.com", PasswordHash: "h", IsAdmin: true,
			CreatedAt: stored(clock.Now())}
		if diff := cmp.Diff(want, u); diff != "" {
			t.Errorf("created user (-want +got):\n%s", diff)
		}

		tests := []struct {
			name     string
			email    string
			wantCode string
		}{
			{"another email", "bob@example.com", ""},
			{"taken email", "ann@example.com", tenx.ECONFLICT},
			{"taken email in other case", "ANN@example.COM", tenx.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := db.CreateUser(t.Context(), &tenx.User{Email: tt.email, PasswordHash: "h"})
				checkCode(t, err, tt.wantCode)
			})
		}
	})
}

func TestFindUser(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		ann := mustCreateUser(t, db, "ann@example.com")
		mustCreateUser(t, db, "bob@example.com")

		tests := []struct {
			name     string
			find     func() (*tenx.User, error)
			want     *tenx.User
			wantCode string
		}{
			{"by id", func() (*tenx.User, error) { return db.FindUserByID(t.Context(), ann.ID) }, ann, ""},
			{"by unknown id", func() (*tenx.User, error) { return db.FindUserByID(t.Context(), "usr_nobody") },
				nil, tenx.ENOTFOUND},
			{"by email", func() (*tenx.User, error) { return db.FindUserByEmail(t.Context(), "Ann@Example.com") },
				ann, ""},
			{"by unknown email", func() (*tenx.User, error) {
				return db.FindUserByEmail(t.Context(), "carl@example.com")
			}, nil, tenx.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.find()
				checkCode(t, err, tt.wantCode)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("user (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestFindUsers(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		db, _ := mustOpen(t, url)
		var ids []string
		for i := range tenx.MaxListLimit + 1 {
			ids = append(ids, mustCreateUser(t, db, fmt.Sprintf("user%d@example.com", i)).ID)
		}
		slices.Sort(ids)

		tests := []struct {
			name      string
			limit     int
			wantSizes []int
		}{
			{"default limit", 0, []int{tenx.DefaultListLimit, tenx.DefaultListLimit, 1}},
			{"negative limit", -1, []int{tenx.DefaultListLimit, tenx.DefaultListLimit, 1}},
			{"small pages", 40, []int{40, 40, 21}},
			{"one per page", 1, slices.Repeat([]int{1}, tenx.MaxListLimit+1)},
			{"capped limit", 1000, []int{tenx.MaxListLimit, 1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				gotIDs, gotSizes := pageThrough(t, func(ctx context.Context, limit int, next string) ([]*tenx.User, string, error) {
					return db.FindUsers(ctx, tenx.UserFilter{Limit: limit, NextToken: next})
				}, tt.limit, func(u *tenx.User) string { return u.ID })
				if diff := cmp.Diff(tt.wantSizes, gotSizes); diff != "" {
					t.Errorf("page sizes (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(ids, gotIDs); diff != "" {
					t.Errorf("ids (-want +got):\n%s", diff)
				}
			})
		}

		for _, token := range []string{"not base64!", "a=", "="} {
			t.Run("malformed token "+token, func(t *testing.T) {
				_, _, err := db.FindUsers(t.Context(), tenx.UserFilter{NextToken: token})
				checkCode(t, err, tenx.EVALIDATION)
			})
		}
	})
}
