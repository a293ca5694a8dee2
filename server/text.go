package server

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"tenx"
)

// Postgres cannot store U+0000 or bytes that are not UTF-8 in a text
// column (SQLSTATE 22021) where SQLite stores them, so such input is
// refused here, before authentication reads the handle and before any
// handler passes it on: the same request gets the same 400 on both
// databases. Headers need no check: none reaches the database as sent
// (credentials are parsed or hashed first). Page tokens are opaque here and
// checked by the store when it decodes them.

// storable reports whether the database can store s as text.
func storable(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

// checkText refuses a path or query parameter the database cannot store,
// naming it.
func checkText(c echo.Context) error {
	for i, name := range c.ParamNames() {
		v := c.ParamValues()[i]
		if u, err := url.PathUnescape(v); err == nil {
			v = u // Echo leaves values escaped when the path has a RawPath
		}
		if !storable(v) {
			return errUnstorable(name)
		}
	}
	if !storable(c.Request().URL.Path) {
		return errUnstorable("path")
	}
	for name, values := range c.QueryParams() {
		if !storable(name) {
			return errUnstorable("query")
		}
		for _, v := range values {
			if !storable(v) {
				return errUnstorable(name)
			}
		}
	}
	return nil
}

func errUnstorable(field string) *tenx.Error {
	return &tenx.Error{Code: tenx.EVALIDATION, Field: field,
		Message: fmt.Sprintf("%s contains U+0000 or bytes that are not UTF-8", field)}
}

// hasEscapedNUL reports whether a valid JSON document has a string (value
// or key) holding U+0000. Raw control bytes are not valid JSON, so the only
// spelling is the escape \u0000; a backslash outside a string is not valid
// JSON either, so escapes can be followed without tracking strings.
func hasEscapedNUL(doc []byte) bool {
	for {
		i := bytes.IndexByte(doc, '\\')
		if i < 0 || i+1 >= len(doc) {
			return false
		}
		if doc[i+1] == 'u' && bytes.HasPrefix(doc[i+2:], []byte("0000")) {
			return true
		}
		doc = doc[i+2:] // skip the escaped character, which may be a backslash
	}
}
