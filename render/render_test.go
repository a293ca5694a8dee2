package render_test

import (
	"bytes"
	"strings"
	"testing"

	"tenx/render"
)

// xssSources are Markdown that tries to run script in every way we know
// of; none may survive rendering.
var xssSources = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`[click](javascript:alert(1))`,
	`[click](JaVaScRiPt:alert(1))`,
	`[click](&#106;avascript:alert(1))`,
	`![x](javascript:alert(1))`,
	"<a href=\"javascript:alert(1)\">x</a>",
	`<iframe src="https://evil.example"></iframe>`,
	`<svg onload=alert(1)>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	"```\n</code><script>alert(1)</script>\n```",
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`<details open ontoggle=alert(1)>`,
	"<form action=\"https://evil.example\"><button>x</button></form>",
}

func TestMarkdownDropsScript(t *testing.T) {
	for _, src := range xssSources {
		out := strings.ToLower(string(render.Markdown(src)))
		for _, bad := range []string{"<script", "javascript:", "onerror", "onload", "ontoggle", "<iframe", "<svg",
			"<style", "data:text/html", "<form"} {
			if strings.Contains(out, bad) {
				t.Errorf("%q rendered as %q: contains %q", src, out, bad)
			}
		}
	}
}

func TestMarkdownRenders(t *testing.T) {
	out := string(render.Markdown("# Hello\n\nSome *text* and a [link](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n"))
	for _, want := range []string{`<h1 id="hello">Hello</h1>`, "<em>text</em>", `href="https://example.com"`,
		`rel="nofollow noreferrer"`, "<table>", `<input checked="" disabled="" type="checkbox"`} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered %q lacks %q", out, want)
		}
	}
}

func TestDocumentsEscapeText(t *testing.T) {
	var buf bytes.Buffer
	evil := `"><script>alert(1)</script>`
	err := render.Profile(&buf, render.ProfileView{Handle: "acme", DisplayName: evil, Bio: evil,
		AvatarURL: "javascript:alert(1)", Links: []render.ProfileLink{{Title: evil, URL: "javascript:alert(1)"}}})
	if err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "<script>") || strings.Contains(out, "javascript:") {
		t.Fatalf("profile document carries script: %s", out)
	}
	buf.Reset()
	if err := render.Page(&buf, render.PageView{Title: evil, Description: evil, Handle: "acme",
		Body: render.Markdown(evil), SiteURL: "/s/acme/"}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "<script>") {
		t.Fatalf("page document carries script: %s", out)
	}
}
