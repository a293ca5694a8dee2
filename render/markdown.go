// Package render turns creator content into HTML that is safe to serve:
// Markdown rendered with goldmark and sanitised with a bluemonday policy,
// and the two server-rendered documents of a handle's public face, a
// published page and the link-in-bio profile. Nothing it writes runs
// script: raw HTML is dropped by the renderer, the sanitiser removes
// whatever else could run, and the documents' policy (CSP) allows no
// script at all.
package render

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// markdown renders CommonMark with the GitHub extensions (tables,
// strikethrough, autolinks, task lists). It is not built with
// html.WithUnsafe, so raw HTML in the source becomes a comment and
// javascript: links lose their target.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// policy is bluemonday's policy for user-generated content (no script,
// no style, no event handlers, http(s) and mailto links with
// rel="nofollow"), plus the disabled checkboxes of task lists.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// Markdown renders src and sanitises the result.
func Markdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		// goldmark writes to a buffer and fails only when writing fails:
		// show the source as text rather than nothing.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec: sanitised just now
}
