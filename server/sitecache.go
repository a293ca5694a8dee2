package server

import (
	"context"
	"hash/fnv"
	"path"
	"strconv"
	"sync"
	"time"

	"tenx"
)

// siteCache keeps what the live site needs in memory, so that a warm site
// is served without reading the database: each handle's active manifest
// (refreshed after siteTTL, so other instances' activations show up, and
// dropped at once when this instance activates), previewed deployments'
// manifests, and the bytes of small files (a deployment's files never
// change, so they never go stale).
type siteCache struct {
	deployments tenx.DeploymentService
	profiles    tenx.ProfileService // the site mode
	now         func() time.Time

	mu       sync.RWMutex
	active   map[string]*siteEntry // by handle; a nil manifest is "no site"
	byID     map[string]*manifest  // previews, by deployment id
	content  map[string][]byte     // by object key
	contentN int64                 // bytes held in content
}

// Bounds of the cache. A map that reaches its bound is emptied: the cost is
// one database read per handle afterwards, and nobody can grow it without
// limit by asking for many handles.
const (
	siteTTL          = 5 * time.Second
	maxCachedSites   = 10_000
	maxCachedBytes   = 64 << 20
	maxCachedFile    = 1 << 20
	maxCachedPreview = 1_000
)

type siteEntry struct {
	m      *manifest
	mode   tenx.SiteMode
	expiry time.Time
}

// manifest is one deployment's files by path.
type manifest struct {
	id     string
	handle string
	files  map[string]*siteFile
}

// siteFile is a file of a manifest with its response headers made once.
type siteFile struct {
	key         string
	contentType string
	etag        string
	size        int64
	length      string
}

func newSiteCache(d tenx.DeploymentService, p tenx.ProfileService, now func() time.Time) *siteCache {
	return &siteCache{deployments: d, profiles: p, now: now, active: map[string]*siteEntry{}, byID: map[string]*manifest{},
		content: map[string][]byte{}}
}

func newManifest(d *tenx.Deployment) *manifest {
	m := &manifest{id: d.ID, handle: d.Handle, files: make(map[string]*siteFile, len(d.Files))}
	for _, f := range d.Files {
		h := fnv.New64a()
		h.Write([]byte(f.Path))
		m.files[f.Path] = &siteFile{key: tenx.DeploymentObjectKey(d.Handle, d.ID, f.Path), contentType: f.ContentType,
			etag: `"` + d.ID + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`, size: f.SizeBytes,
			length: strconv.FormatInt(f.SizeBytes, 10)}
	}
	return m
}

// lookup returns the file at p (a clean path, "" for the root), or the
// index.html of the directory p, and whether it was a directory's.
func (m *manifest) lookup(p string) (*siteFile, bool) {
	if f, ok := m.files[p]; ok {
		return f, false
	}
	f, ok := m.files[path.Join(p, tenx.SiteEntrypoint)]
	if !ok {
		return nil, false
	}
	return f, true
}

// activeSite returns the handle's site mode and live manifest (nil when
// it has none).
func (c *siteCache) activeSite(ctx context.Context, handle string) (*manifest, tenx.SiteMode, error) {
	c.mu.RLock()
	e := c.active[handle]
	c.mu.RUnlock()
	now := c.now()
	if e != nil && now.Before(e.expiry) {
		return e.m, e.mode, nil
	}
	d, err := c.deployments.FindActiveDeployment(ctx, handle)
	if err != nil && tenx.ErrorCode(err) != tenx.ENOTFOUND {
		return nil, "", err
	}
	e = &siteEntry{expiry: now.Add(siteTTL), mode: tenx.SiteModeSite}
	if err == nil {
		e.m = newManifest(d)
	}
	if c.profiles != nil {
		p, err := c.profiles.FindProfile(ctx, handle)
		if err != nil {
			return nil, "", err
		}
		e.mode = p.SiteMode
	}
	c.mu.Lock()
	if len(c.active) >= maxCachedSites {
		c.active = map[string]*siteEntry{}
	}
	c.active[handle] = e
	c.mu.Unlock()
	return e.m, e.mode, nil
}

// invalidate forgets the handle's live manifest and mode: its site changed.
func (c *siteCache) invalidate(handle string) {
	c.mu.Lock()
	delete(c.active, handle)
	c.mu.Unlock()
}

// deployment returns the manifest of any deployment (previews).
func (c *siteCache) deployment(ctx context.Context, id string) (*manifest, error) {
	c.mu.RLock()
	m := c.byID[id]
	c.mu.RUnlock()
	if m != nil {
		return m, nil
	}
	d, err := c.deployments.FindDeploymentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	m = newManifest(d)
	if d.Status == tenx.DeploymentPending {
		return m, nil // its files are still arriving
	}
	c.mu.Lock()
	if len(c.byID) >= maxCachedPreview {
		c.byID = map[string]*manifest{}
	}
	c.byID[id] = m
	c.mu.Unlock()
	return m, nil
}

// cached returns the bytes of a small file, if held.
func (c *siteCache) cached(key string) ([]byte, bool) {
	c.mu.RLock()
	b, ok := c.content[key]
	c.mu.RUnlock()
	return b, ok
}

// keep holds the bytes of a small file.
func (c *siteCache) keep(key string, b []byte) {
	if len(b) > maxCachedFile {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.contentN+int64(len(b)) > maxCachedBytes {
		c.content, c.contentN = map[string][]byte{}, 0
	}
	if _, ok := c.content[key]; !ok {
		c.content[key] = b
		c.contentN += int64(len(b))
	}
}
