package main

import (
	"errors"
	"strconv"
	"strings"
)

// loadStorageLimits reads the limits of files and site deployments.
func (c *config) loadStorageLimits(env func(key, def string) string) []error {
	var errs []error
	var err error
	if c.FileMaxBytes, err = strconv.ParseInt(env("TENX_FILE_MAX_BYTES", "262144000"), 10, 64); err != nil || c.FileMaxBytes < 1 {
		errs = append(errs, errors.New("TENX_FILE_MAX_BYTES must be a positive integer"))
	}
	if c.HandleQuota, err = strconv.ParseInt(env("TENX_HANDLE_QUOTA_BYTES", "5368709120"), 10, 64); err != nil || c.HandleQuota < 0 {
		errs = append(errs, errors.New("TENX_HANDLE_QUOTA_BYTES must be an integer, 0 for no quota"))
	}
	if c.HandleQuota == 0 {
		c.HandleQuota = -1 // none
	}
	if c.KeepDeployments, err = strconv.Atoi(env("TENX_SITE_KEEP_DEPLOYMENTS", "10")); err != nil || c.KeepDeployments < 1 {
		errs = append(errs, errors.New("TENX_SITE_KEEP_DEPLOYMENTS must be a positive integer"))
	}
	if strings.Contains(c.BlobURL, "://") && !strings.HasPrefix(c.BlobURL, "file://") && !strings.HasPrefix(c.BlobURL, "s3://") {
		errs = append(errs, errors.New("TENX_BLOB_URL must be a directory, file:///dir or s3://bucket?endpoint=...&region=...&use_path_style=true"))
	}
	return errs
}
