// Package web holds the dashboard served at /app/: plain HTML, CSS
// and JavaScript that use only the public API, embedded in the binary so
// it needs no build step and no network.
package web

import (
	"embed"
	"io/fs"
)

//go:embed app
var files embed.FS

// App is the dashboard's files, rooted at the app directory.
var App, _ = fs.Sub(files, "app")
