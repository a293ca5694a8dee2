package render

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io"
	"net/http"
	"strings"
)

// PageView is what a published page shows.
type PageView struct {
	Title       string
	Description string
	Body        template.HTML // from Markdown
	Handle      string
	SiteURL     string // the handle's public site, linked at the foot
	Theme       string
}

// ProfileView is what a handle's link-in-bio page shows.
type ProfileView struct {
	Handle      string
	DisplayName string
	Bio         string
	AvatarURL   string
	Theme       string
	Links       []ProfileLink
}

// ProfileLink is one button of the link-in-bio page.
type ProfileLink struct {
	Title string
	URL   string // the short URL, so that the visit is counted
}

// stylesheet is the one style block of every document; the CSP allows it
// by hash and nothing else.
const stylesheet = `
:root{color-scheme:light dark;--bg:#fafafa;--fg:#1a1a1a;--muted:#555;--card:#fff;--line:#ddd;--accent:#2a54d1}
@media (prefers-color-scheme:dark){:root{--bg:#111;--fg:#eee;--muted:#aaa;--card:#1c1c1c;--line:#333;--accent:#8fb0ff}}
body.theme-light{color-scheme:light;--bg:#fafafa;--fg:#1a1a1a;--muted:#555;--card:#fff;--line:#ddd;--accent:#2a54d1}
body.theme-dark{color-scheme:dark;--bg:#111;--fg:#eee;--muted:#aaa;--card:#1c1c1c;--line:#333;--accent:#8fb0ff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;overflow-wrap:anywhere}
main{max-width:40rem;margin:0 auto;padding:2rem 1.25rem 3rem}
a{color:var(--accent)}
img{max-width:100%;height:auto}
pre{overflow-x:auto;background:var(--card);border:1px solid var(--line);padding:.75rem;border-radius:6px}
table{border-collapse:collapse;display:block;overflow-x:auto}
th,td{border:1px solid var(--line);padding:.3rem .6rem}
.lead{color:var(--muted)}
footer{margin-top:3rem;font-size:.9rem;color:var(--muted)}
.profile{text-align:center}
.avatar{width:96px;height:96px;border-radius:50%;object-fit:cover}
.bio{white-space:pre-line;color:var(--muted)}
.links{list-style:none;padding:0;margin:2rem 0 0}
.links li{margin:.75rem 0}
.links a{display:block;padding:.9rem 1rem;background:var(--card);border:1px solid var(--line);border-radius:10px;color:var(--fg);text-decoration:none;font-weight:600}
.links a:hover,.links a:focus{border-color:var(--accent)}
`

// csp allows the stylesheet above and images; no script, no frames, no
// forms, no plugins, and the document may not be framed.
var csp = func() string {
	sum := sha256.Sum256([]byte(stylesheet))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'" +
		"; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

var funcs = template.FuncMap{"theme": themeClass}

const head = `{{define "head"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<style>` + stylesheet + `</style>
{{end}}`

var pageTemplate = template.Must(template.New("page").Funcs(funcs).Parse(head + `{{template "head"}}<title>{{.Title}}</title>
{{with .Description}}<meta name="description" content="{{.}}">{{end}}
</head>
<body class="theme-{{theme .Theme}}">
<main>
<article>
<h1>{{.Title}}</h1>
{{with .Description}}<p class="lead">{{.}}</p>{{end}}
{{.Body}}
</article>
<footer><a href="{{.SiteURL}}">@{{.Handle}}</a></footer>
</main>
</body>
</html>
`))

var profileTemplate = template.Must(template.New("profile").Funcs(funcs).Parse(head + `{{template "head"}}<title>{{or .DisplayName .Handle}}</title>
</head>
<body class="theme-{{theme .Theme}}">
<main class="profile">
{{with .AvatarURL}}<img class="avatar" src="{{.}}" alt="" width="96" height="96">{{end}}
<h1>{{or .DisplayName .Handle}}</h1>
{{with .Bio}}<p class="bio">{{.}}</p>{{end}}
{{if .Links}}<ul class="links">
{{range .Links}}<li><a href="{{.URL}}" rel="noopener">{{.Title}}</a></li>
{{end}}</ul>{{else}}<p class="lead">No links yet.</p>{{end}}
<footer>@{{.Handle}}</footer>
</main>
</body>
</html>
`))

// themeClass names the body class of a theme; unknown themes are auto.
func themeClass(theme string) string {
	switch strings.ToUpper(theme) {
	case "LIGHT":
		return "light"
	case "DARK":
		return "dark"
	}
	return "auto"
}

// SetHeaders gives a document of this package its headers: HTML, the
// no-script policy, never sniffed or framed, no referrer, and revalidated
// on each visit so that a change shows at once.
func SetHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
}

// Page writes a published page.
func Page(w io.Writer, v PageView) error { return pageTemplate.Execute(w, v) }

// Profile writes a link-in-bio page.
func Profile(w io.Writer, v ProfileView) error { return profileTemplate.Execute(w, v) }
