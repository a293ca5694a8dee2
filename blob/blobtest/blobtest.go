// Package blobtest gives tests of any package the S3-compatible store that
// .ci/seaweedfs starts.
package blobtest

import (
	"os"
	"testing"
)

// S3URL is the S3-compatible store of the tests: without TENX_TEST_S3_URL
// the test is skipped, saying why, except in CI, where it fails.
func S3URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("TENX_TEST_S3_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("TENX_TEST_S3_URL is not set: CI runs the S3 tests (.ci/seaweedfs starts the store)")
		}
		tb.Skip("TENX_TEST_S3_URL is not set: export TENX_TEST_S3_URL=$(.ci/seaweedfs) to run the S3 tests")
	}
	return u
}
