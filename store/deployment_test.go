package store_test

import (
	"testing"
	"time"

	"tenx"
	"tenx/store/storetest"
)

func inline(handle string) *tenx.Deployment {
	return &tenx.Deployment{Handle: handle, Status: tenx.DeploymentActive,
		Files: []tenx.DeploymentFile{{Path: "index.html", ContentType: "text/html", SizeBytes: 4}}}
}

// TestDeployments: one ACTIVE deployment per handle, newest first,
// activation checks, and the surplus the purge job takes.
func TestDeployments(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, clock := mustOpen(t, url)
		owner := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", owner.ID)
		var ids []string
		for range 3 {
			clock.Add(time.Second)
			d := inline("acme")
			if err := db.CreateDeployment(t.Context(), d, 0); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
		}
		pending := &tenx.Deployment{Handle: "acme", Status: tenx.DeploymentPending,
			Files: []tenx.DeploymentFile{{Path: "a.html", ContentType: "text/html", SizeBytes: 1}}}
		clock.Add(time.Second)
		if err := db.CreateDeployment(t.Context(), pending, 0); err != nil || pending.Files[0].UploadID == "" {
			t.Fatalf("pending: %v %+v", err, pending)
		}
		list, _, err := db.FindDeployments(t.Context(), tenx.DeploymentFilter{Handle: "acme"})
		if err != nil || len(list) != 4 || list[0].ID != pending.ID || list[1].ID != ids[2] || list[1].Status != tenx.DeploymentActive ||
			list[3].Status != tenx.DeploymentInactive {
			t.Fatalf("list %v %+v", err, list)
		}
		if _, err := db.ActivateDeployment(t.Context(), "acme", pending.ID); tenx.ErrorCode(err) != tenx.EMISSINGENTRYPOINT {
			t.Fatalf("activate without index.html: %v", err)
		}
		if _, err := db.ActivateDeployment(t.Context(), "acme", ids[0]); err != nil {
			t.Fatal(err)
		}
		active, err := db.FindActiveDeployment(t.Context(), "acme")
		if err != nil || active.ID != ids[0] {
			t.Fatalf("active %v %+v", err, active)
		}
		// Keep 2: ids[1] goes; ids[0] is live and stays.
		surplus, err := db.FindSurplusDeployments(t.Context(), 2, 10)
		if err != nil || len(surplus) != 1 || surplus[0].ID != ids[1] || len(surplus[0].Files) != 1 {
			t.Fatalf("surplus %v %+v", err, surplus)
		}
		if err := db.RemoveDeployment(t.Context(), ids[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindDeployment(t.Context(), "acme", ids[1]); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("removed: %v", err)
		}
	})
}

// TestQuotaCountsFilesAndDeployments: one quota for what a handle stores.
func TestQuotaCountsFilesAndDeployments(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		db, _ := mustOpen(t, url)
		owner := mustCreateUser(t, db, "owner@example.com")
		mustCreateHandle(t, db, "acme", owner.ID)
		if err := db.CreateDeployment(t.Context(), inline("acme"), 10); err != nil {
			t.Fatal(err)
		}
		f := &tenx.File{Handle: "acme", FileName: "a", ContentType: "text/plain", SizeBytes: 7}
		if err := db.CreateFile(t.Context(), f, 10); tenx.ErrorCode(err) != tenx.EQUOTAEXCEEDED {
			t.Fatalf("over quota: %v", err)
		}
		f.SizeBytes = 6
		if err := db.CreateFile(t.Context(), f, 10); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateFile(t.Context(), &tenx.File{Handle: "nope", FileName: "a", ContentType: "text/plain"}, 10); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatal("a file of an unknown handle")
		}
	})
}
