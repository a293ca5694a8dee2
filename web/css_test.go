package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// cssComment matches a CSS comment; cssString a quoted string.
var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssString  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
)

// TestStylesheetsCloseEveryBlock: a block left open swallows every rule
// after it without a word from the browser (the account page's h3 rule
// once hid the content pages' styles and the table buttons' spacing).
func TestStylesheetsCloseEveryBlock(t *testing.T) {
	sheets, err := fs.Glob(App, "*.css")
	if err != nil || len(sheets) == 0 {
		t.Fatalf("no stylesheets (%v)", err)
	}
	for _, name := range sheets {
		b, err := fs.ReadFile(App, name)
		if err != nil {
			t.Fatal(err)
		}
		text := cssString.ReplaceAllString(cssComment.ReplaceAllString(string(b), ""), `""`)
		depth, line := 0, 1
		for _, r := range text {
			switch r {
			case '\n':
				line++
			case '{':
				depth++
			case '}':
				if depth--; depth < 0 {
					t.Fatalf("%s:%d: a } closes no block", name, line)
				}
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d block(s) never closed", name, depth)
		}
		if strings.Count(string(b), "/*") != strings.Count(string(b), "*/") {
			t.Errorf("%s: a comment is never closed", name)
		}
	}
}
