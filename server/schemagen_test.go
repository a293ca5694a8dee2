package server_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/server"
)

// generator makes instances of the spec's request schemas for the
// property test: the keywords the spec uses are honoured, the ones it
// does not use fail the test so the generator grows with the spec.
type generator struct {
	t         *testing.T
	rng       *rand.Rand
	fx        *fixture
	catalogue []string
	urlSafe   bool // for path, query and cookie values
}

const (
	bodyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.é"
	urlAlphabet  = "abcdefghijklmnopqrstuvwxyz0123456789-_"
)

// value is a valid instance of s; name is the property or parameter it
// is for, which picks a realistic value (a real user id, a catalogue
// scope) three times in four.
func (g *generator) value(name string, s *openapi3.Schema) any {
	if len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 || s.Not != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() {
		g.t.Fatalf("generator: %q uses a schema keyword it does not know; teach it", name)
	}
	if v, ok := g.hint(name); ok {
		return v
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.rng.IntN(len(s.Enum))]
	}
	switch {
	case s.Type.Is("string"):
		return g.str(s)
	case s.Type.Is("integer"):
		return g.integer(s)
	case s.Type.Is("number"):
		return float64(g.integer(s))
	case s.Type.Is("boolean"):
		return g.rng.IntN(2) == 0
	case s.Type.Is("array"):
		return g.array(s)
	case s.Type.Is("object"):
		return g.object(s)
	}
	g.t.Fatalf("generator: %q has type %v, which it does not know", name, s.Type)
	return nil
}

func (g *generator) hint(name string) (any, bool) {
	if g.rng.IntN(4) == 0 {
		return nil, false
	}
	switch name {
	case "destinationUrl":
		return "https://example.com/" + g.word(urlAlphabet, 1, 12), true
	case "role":
		return pick(g.rng, []string{"CREATOR", "OPERATOR"}), true
	case "userId", "newOwnerUserId":
		return g.fx.other.ID, g.fx.other.ID != ""
	case "email":
		return pick(g.rng, []string{"owner@example.com", "new-" + g.word(urlAlphabet, 3, 10) + "@example.com"}), true
	case "password":
		return password, true
	case server.RefreshCookie:
		return g.fx.owner.Refresh, true
	case "scopes":
		n := 1 + g.rng.IntN(3)
		perm := g.rng.Perm(len(g.catalogue))[:n]
		out := make([]any, n)
		for i, j := range perm {
			out[i] = g.catalogue[j]
		}
		return out, true
	}
	return nil, false
}

func (g *generator) str(s *openapi3.Schema) string {
	if s.Pattern != "" {
		samples, ok := patternSamples[s.Pattern]
		if !ok {
			g.t.Fatalf("pattern %q has no samples: add it to patternSamples", s.Pattern)
		}
		return pick(g.rng, samples.valid)
	}
	switch s.Format {
	case "date-time":
		return newClock().Now().Add(time.Duration(g.rng.IntN(4000)-2000) * time.Hour).Format(time.RFC3339)
	case "email":
		return "u" + g.word(urlAlphabet, 1, 10) + "@example.com"
	case "", "password":
	default:
		g.t.Fatalf("generator: string format %q unknown", s.Format)
	}
	lo, hi := int(s.MinLength), int(s.MinLength)+12
	if s.MaxLength != nil {
		hi = min(hi, int(*s.MaxLength))
		if g.rng.IntN(6) == 0 { // the longest allowed, in characters
			lo, hi = int(*s.MaxLength), int(*s.MaxLength)
		}
	}
	alphabet := bodyAlphabet
	if g.urlSafe {
		alphabet = urlAlphabet
	}
	return g.word(alphabet, lo, hi)
}

// word is a random string of lo to hi characters (runes) of alphabet.
func (g *generator) word(alphabet string, lo, hi int) string {
	runes := []rune(alphabet)
	n := lo + g.rng.IntN(hi-lo+1)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[g.rng.IntN(len(runes))])
	}
	return b.String()
}

func (g *generator) integer(s *openapi3.Schema) int64 {
	lo, hi := int64(-1000), int64(1000)
	switch {
	case s.Min != nil && s.Max != nil:
		lo, hi = int64(*s.Min), int64(*s.Max)
	case s.Min != nil:
		lo, hi = int64(*s.Min), int64(*s.Min)+1000
	case s.Max != nil:
		lo, hi = int64(*s.Max)-1000, int64(*s.Max)
	}
	switch g.rng.IntN(4) { // the bounds are where bugs live
	case 0:
		return lo
	case 1:
		return hi
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

func (g *generator) array(s *openapi3.Schema) []any {
	hi := int(s.MinItems) + 3
	if s.MaxItems != nil {
		hi = min(hi, int(*s.MaxItems))
	}
	return g.items(s, int(s.MinItems)+g.rng.IntN(hi-int(s.MinItems)+1))
}

func (g *generator) items(s *openapi3.Schema, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = g.value("", s.Items.Value)
	}
	return out
}

func (g *generator) object(s *openapi3.Schema) map[string]any {
	out := map[string]any{}
	var absent []string
	for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
		if slices.Contains(s.Required, k) || g.rng.IntN(2) == 0 {
			out[k] = g.value(k, s.Properties[k].Value)
		} else {
			absent = append(absent, k)
		}
	}
	for uint64(len(out)) < s.MinProps && len(absent) > 0 {
		i := g.rng.IntN(len(absent))
		out[absent[i]] = g.value(absent[i], s.Properties[absent[i]].Value)
		absent = slices.Delete(absent, i, i+1)
	}
	return out
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// mutationKinds are the ways the property test breaks a valid body.
var mutationKinds = []string{"drop required", "unknown property", "wrong type", "over maxLength",
	"under minLength", "out of range", "not in enum", "pattern mismatch", "too many items"}

// site is one place in a body instance the schema describes; absent
// ones are optional properties the instance left out.
type site struct {
	path    []any // property names and array indexes from the root
	schema  *openapi3.Schema
	value   any
	present bool
}

func collectSites(s *openapi3.Schema, v any, path []any, present bool, out *[]site) {
	*out = append(*out, site{path: path, schema: s, value: v, present: present})
	if !present {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
			child, ok := v[k]
			collectSites(s.Properties[k].Value, child, append(slices.Clone(path), k), ok, out)
		}
	case []any:
		for i, child := range v {
			collectSites(s.Items.Value, child, append(slices.Clone(path), i), true, out)
		}
	}
}

func applies(kind string, st site) bool {
	s := st.schema
	switch kind {
	case "drop required":
		return st.present && s.Type.Is("object") && len(s.Required) > 0
	case "unknown property":
		return st.present && s.Type.Is("object") && s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	case "wrong type":
		return len(st.path) > 0 && s.Type.IsSingle()
	case "over maxLength":
		return s.Type.Is("string") && s.MaxLength != nil
	case "under minLength":
		return (s.Type.Is("string") && s.MinLength > 0) || (s.Type.Is("array") && s.MinItems > 0) ||
			(s.Type.Is("object") && s.MinProps > 0)
	case "out of range":
		return (s.Type.Is("integer") || s.Type.Is("number")) && (s.Min != nil || s.Max != nil) && len(s.Enum) == 0
	case "not in enum":
		return len(s.Enum) > 0
	case "pattern mismatch":
		return s.Type.Is("string") && s.Pattern != ""
	case "too many items":
		return s.Type.Is("array") && s.MaxItems != nil
	}
	panic("unknown mutation " + kind)
}

// mutate breaks body (which it may change in place) at a random site
// where kind applies, and says where.
func (g *generator) mutate(kind string, s *openapi3.Schema, body any) (any, string, bool) {
	var all, candidates []site
	collectSites(s, body, nil, true, &all)
	for _, st := range all {
		if applies(kind, st) {
			candidates = append(candidates, st)
		}
	}
	if len(candidates) == 0 {
		return nil, "", false
	}
	st := pick(g.rng, candidates)
	where := fieldOf(st.path)
	switch kind {
	case "drop required":
		obj := st.value.(map[string]any)
		k := pick(g.rng, st.schema.Required)
		delete(obj, k)
		return body, fieldOf(append(st.path, k)), true
	case "unknown property":
		st.value.(map[string]any)["unexpectedField"] = true
		return body, where, true
	}
	return setAt(body, st.path, g.bad(kind, st.schema)), where, true
}

// bad is a value that breaks s in the way kind names.
func (g *generator) bad(kind string, s *openapi3.Schema) any {
	switch kind {
	case "wrong type":
		switch {
		case s.Type.Is("string"):
			return 12345
		case s.Type.Is("integer"), s.Type.Is("number"):
			return "12"
		case s.Type.Is("boolean"):
			return "true"
		case s.Type.Is("array"):
			return map[string]any{"not": "an array"}
		}
		return "not an object"
	case "over maxLength":
		return strings.Repeat("x", int(*s.MaxLength)+1)
	case "under minLength":
		switch {
		case s.Type.Is("string"):
			return ""
		case s.Type.Is("array"):
			return []any{}
		}
		return map[string]any{}
	case "out of range":
		if s.Min != nil && (s.Max == nil || g.rng.IntN(2) == 0) {
			return int64(*s.Min) - 1
		}
		return int64(*s.Max) + 1
	case "not in enum":
		if s.Type.Is("integer") {
			n := 0.0
			for _, v := range s.Enum {
				f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
				n = max(n, f)
			}
			return n + 1
		}
		return "NOT_IN_ENUM"
	case "pattern mismatch":
		return pick(g.rng, patternSamples[s.Pattern].invalid)
	case "too many items":
		return g.items(s, int(*s.MaxItems)+1)
	}
	panic("unknown mutation " + kind)
}

// badParam is an invalid value for a parameter.
type badParam struct{ what, value string }

func (g *generator) badParams(p *openapi3.Parameter) []badParam {
	s := p.Schema.Value
	var out []badParam
	switch {
	case s.Type.Is("integer"):
		out = append(out, badParam{"not an integer", "abc"})
		if s.Min != nil {
			out = append(out, badParam{"below minimum", strconv.FormatInt(int64(*s.Min)-1, 10)})
		}
		if s.Max != nil {
			out = append(out, badParam{"above maximum", strconv.FormatInt(int64(*s.Max)+1, 10)})
		}
	case s.Type.Is("boolean"):
		out = append(out, badParam{"not a boolean", "maybe"})
	case s.Type.Is("string"):
		if s.MaxLength != nil {
			out = append(out, badParam{"over maxLength", strings.Repeat("x", int(*s.MaxLength)+1)})
		}
		if s.Pattern != "" {
			samples, ok := patternSamples[s.Pattern]
			if !ok {
				g.t.Fatalf("pattern %q has no samples: add it to patternSamples", s.Pattern)
			}
			out = append(out, badParam{"pattern mismatch", pick(g.rng, samples.invalid)})
		}
	}
	return out
}

func fieldOf(path []any) string {
	if len(path) == 0 {
		return "(body)"
	}
	parts := make([]string, len(path))
	for i, p := range path {
		switch p := p.(type) {
		case string:
			parts[i] = p
		case int:
			parts[i] = strconv.Itoa(p)
		}
	}
	return strings.Join(parts, ".")
}

// setAt puts val at path in root (changing root) and returns the root.
func setAt(root any, path []any, val any) any {
	if len(path) == 0 {
		return val
	}
	parent := root
	for _, p := range path[:len(path)-1] {
		switch p := p.(type) {
		case string:
			parent = parent.(map[string]any)[p]
		case int:
			parent = parent.([]any)[p]
		}
	}
	switch p := path[len(path)-1].(type) {
	case string:
		parent.(map[string]any)[p] = val
	case int:
		parent.([]any)[p] = val
	}
	return root
}
