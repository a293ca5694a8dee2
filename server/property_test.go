package server_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/openapi"
	"tenx/ratelimit"
	"tenx/server"
)

// patternSamples maps every pattern in the spec's requests to values that
// match it and values that do not. The generator fails on a pattern it
// has no samples for, so a new pattern in the spec gets samples here.
var patternSamples = map[string]struct{ valid, invalid []string }{
	"^[a-z0-9][a-z0-9-]{2,31}$": {
		valid:   []string{"zeta", "x9-handle", "0aa", "acme-2"},
		invalid: []string{"ab", "-lead", "UPPER", "under_score", strings.Repeat("h", 33)}},
	"^tok_[A-Za-z0-9]{1,40}$": {
		valid:   []string{"tok_a", "tok_Missing123"},
		invalid: []string{"tok_", "token1", "tok_x-y", "tok_" + strings.Repeat("z", 41)}},
	"^[a-z0-9][a-z0-9_-]{2,63}$": {
		valid:   []string{"launch", "q4_sale-2", "0ab"},
		invalid: []string{"ab", "_lead", "Upper", "has.dot", strings.Repeat("c", 65)}},
	"^[A-Za-z0-9_-]{4,24}$": {
		valid:   []string{"abcd", "new_Launch-2", "launch"},
		invalid: []string{"abc", "has.dot", strings.Repeat("s", 25)}},
	"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$": {
		valid:   []string{"links.example.com", "a.bc", "x-1.example.org"},
		invalid: []string{"localhost", "UPPER.example.com", "1.2.3.4", "-a.example.com", "a..example.com"}},
	"^(/[A-Za-z0-9._~-]+)+$": {
		valid:   []string{"/shop", "/a/b.c", "/x~y"},
		invalid: []string{"shop", "/", "/a//b", "/a b"}},
	"^usr_[A-Za-z0-9]{1,40}$": {
		valid:   []string{"usr_a", "usr_Missing123"},
		invalid: []string{"usr_", "user1", "usr_x-y"}},
	"^[A-Z]{3}$": {
		valid:   []string{"EUR", "USD"},
		invalid: []string{"eur", "EURO", "E1R"}},
	"^[A-Za-z0-9_-]{1,64}$": {
		valid:   []string{"r1", "us-mobile_2", strings.Repeat("r", 64)},
		invalid: []string{"has.dot", "a b", strings.Repeat("r", 65)}},
	"^tpl_[A-Za-z0-9]{1,40}$": {
		valid:   []string{"tpl_a", "tpl_Missing123"},
		invalid: []string{"tpl_", "template1", "tpl_x-y", "tpl_" + strings.Repeat("z", 41)}},
	"^[a-z0-9][a-z0-9_.-]{0,31}$": {
		valid:   []string{"purchase", "sign-up", "lead.v2"},
		invalid: []string{"Purchase", "-lead", strings.Repeat("t", 33)}},
}

// domainCodes are the 400 codes an operation documents besides
// validation_error and invalid_payload (see its description).
var domainCodes = map[string]string{
	"replaceCollaborators":     "invalid_collaborators",
	"transferOwnership":        "new_owner_required",
	"createPage":               "unsupported_access_mode",
	"createPagePublic":         "unsupported_access_mode",
	"updatePage":               "unsupported_access_mode",
	"updatePagePublic":         "unsupported_access_mode",
	"recordConversion":         "invalid_ctx",
	"completeFile":             "upload_incomplete",
	"completeFilePublic":       "upload_incomplete",
	"activateDeployment":       "upload_incomplete",
	"activateDeploymentPublic": "upload_incomplete",
}

// domainInvalid are requests the schema accepts but the operation's
// description refuses with a specific code; {other} is another user's id.
var domainInvalid = map[string][]struct{ name, body, code string }{
	"transferOwnership": {
		{"no new owner", `{}`, "new_owner_required"},
		{"empty new owner", `{"newOwnerUserId":""}`, "new_owner_required"},
	},
	"replaceCollaborators": {
		{"owner role", `{"collaborators":[{"userId":"{other}","role":"OWNER"}]}`, "invalid_collaborators"},
		{"unknown user", `{"collaborators":[{"userId":"usr_nobody","role":"CREATOR"}]}`, "invalid_collaborators"},
		{"duplicate", `{"collaborators":[{"userId":"{other}","role":"CREATOR"},{"userId":"{other}","role":"OPERATOR"}]}`, "invalid_collaborators"},
	},
	"recordConversion": {
		{"forged ctx", `{"ctx":"clk_1.acme.launch.zz.AAAAAAAAAAAAAAAAAAAAAA"}`, "invalid_ctx"},
		{"currency without value", `{"ctx":"x","currency":"EUR"}`, "invalid_ctx"},
	},
	"createToken": {
		{"unknown scope", `{"name":"ci","scopes":["nope.read"]}`, "validation_error"},
	},
}

// unconfigured are the operations whose documented answer on a server
// without payments configured (as the test servers are) is 503 unavailable.
var unconfigured = map[string]bool{"createCheckoutSession": true, "stripeWebhook": true}

// TestPropertyEveryOperation generates requests from the spec's schemas for
// every operation, valid ones and invalid variants, on a fresh server per
// operation. Nothing may answer 5xx or panic, every answer must conform to
// the spec (the validating handler checks that), and every invalid variant
// gets 400 with a documented code. TENX_PROPERTY_SEED replays a run;
// TENX_PROPERTY_ITERATIONS changes its length (16 rounds; 16 rather than 4
// since test databases start from a migrated copy: +10 s under -race).
func TestPropertyEveryOperation(t *testing.T) {
	seed := envUint(t, "TENX_PROPERTY_SEED", uint64(time.Now().UnixNano()))
	iterations := int(envUint(t, "TENX_PROPERTY_ITERATIONS", 16))
	t.Logf("seed %d: replay with TENX_PROPERTY_SEED=%d", seed, seed)
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	checkPatterns(t, doc)
	catalogue := scopeCatalogue(t, doc)
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(path)
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.GetOperation(method)
			t.Run(op.OperationID, func(t *testing.T) {
				t.Parallel()
				h := fnv.New64a()
				h.Write([]byte(op.OperationID))
				p := &propertyRun{t: t, method: method, path: path, item: item, op: op, catalogue: catalogue,
					rng: rand.New(rand.NewPCG(seed, h.Sum64())), stats: map[string]int{}}
				p.run(iterations)
			})
		}
	}
}

func envUint(t *testing.T, name string, def uint64) uint64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

// checkPatterns fails on a pattern in the spec's requests that
// patternSamples lacks, and on samples that contradict their pattern.
func checkPatterns(t *testing.T, doc *openapi3.T) {
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if _, ok := patternSamples[s.Pattern]; s.Pattern != "" && !ok {
			t.Fatalf("pattern %q has no samples: add it to patternSamples", s.Pattern)
		}
		for _, p := range s.Properties {
			walk(p.Value)
		}
		if s.Items != nil {
			walk(s.Items.Value)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, prm := range append(slices.Clone(item.Parameters), op.Parameters...) {
				walk(prm.Value.Schema.Value)
			}
			if op.RequestBody != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema.Value)
				}
			}
		}
	}
	for p, s := range patternSamples {
		re := regexp.MustCompile(p)
		for _, v := range s.valid {
			if !re.MatchString(v) {
				t.Fatalf("pattern %s: valid sample %q does not match", p, v)
			}
		}
		for _, v := range s.invalid {
			if re.MatchString(v) {
				t.Fatalf("pattern %s: invalid sample %q matches", p, v)
			}
		}
	}
}

func scopeCatalogue(t *testing.T, doc *openapi3.T) []string {
	list, _ := doc.Extensions["x-scopes"].([]any)
	var out []string
	for _, s := range list {
		m, _ := s.(map[string]any)
		if name, ok := m["name"].(string); ok {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		t.Fatal("no x-scopes catalogue in the spec")
	}
	return out
}

// propertyRun drives one operation.
type propertyRun struct {
	t            *testing.T
	method, path string
	item         *openapi3.PathItem
	op           *openapi3.Operation
	access       openapi.Access
	catalogue    []string
	rng          *rand.Rand
	e            *env
	fx           fixture
	stats        map[string]int
}

// fixture is what exists before the generated requests, as far as the
// operation can use it: handle "acme" owned by owner, with the link
// "launch" and a PAT carrying the operation's scopes; other is a second
// user to name in bodies; admin is a platform admin.
type fixture struct {
	owner, other, admin user
	pat, tokenID        string
	// Files and deployments: a READY file with its download token, a
	// pending file's upload token, and an ACTIVE deployment.
	fileID, downloadToken, uploadToken, deploymentID, templateID string
	webhookID, deliveryID                                        string
}

// call is one generated request.
type call struct {
	name    string
	params  map[string]map[string]string // in -> name -> value
	body    *string
	invalid bool
	// statuses and codes an invalid call may get; 400 and the default
	// codes unless set.
	statuses []int
	codes    []string
}

func (p *propertyRun) run(iterations int) {
	a, err := openapi.AccessOf(p.op)
	if err != nil {
		p.t.Fatal(err)
	}
	p.access = a
	p.e = MustOpenServer(p.t, withConfig(func(c *server.Config) {
		// Rate limits have their own tests; here they would only turn
		// long runs' invalid calls into 429s.
		for _, l := range []*ratelimit.Limit{&c.LoginPerIP, &c.LoginPerAccount, &c.PATPerMinute, &c.HandleBurst, &c.UserPerMinute} {
			l.Rate, l.Burst = 1<<20, 0
		}
	}))
	p.setup()
	var valid []call
	for range iterations {
		// Invalid variants go first: a valid call may delete the fixture.
		for _, c := range p.invalidCalls() {
			p.send(c)
		}
		valid = append(valid, p.validCall())
	}
	for _, d := range domainInvalid[p.op.OperationID] {
		body := strings.ReplaceAll(d.body, "{other}", p.fx.other.ID)
		p.send(call{name: "domain: " + d.name, params: p.validParams(false), body: &body, invalid: true,
			codes: []string{d.code}})
	}
	for _, c := range valid {
		p.send(c)
	}
	p.t.Logf("%s %s: %v", p.method, p.path, p.stats)
}

// setup makes only the fixture the operation can use: a server costs
// enough under -race without signing up users nobody calls with.
func (p *propertyRun) setup() {
	e, t, a := p.e, p.t, p.access
	if a.PlatformAdmin {
		p.fx.admin = e.MustCreateAdmin(t, "admin@example.com")
	}
	params := p.parameters()
	if (a.Public || a.PlatformAdmin) && len(params) == 0 && p.op.RequestBody == nil {
		return
	}
	p.fx.owner = e.MustSignup(t, "owner@example.com")
	if p.namesUsers() {
		p.fx.other = e.MustSignup(t, "other@example.com")
	}
	files := strings.Contains(p.path, "{fileId}") || strings.Contains(p.path, "Token}")
	if !strings.Contains(p.path, "{handle}") && !a.PAT && !files {
		return
	}
	e.MustCreateHandle(t, p.fx.owner, "acme")
	mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: p.fx.owner.Token,
		body: `{"destinationUrl":"https://example.com/launch"}`}), http.StatusCreated)
	scopes := a.Scopes
	if len(scopes) == 0 {
		scopes = []string{"links.read"}
	}
	if strings.Contains(p.path, "/pages/") || strings.Contains(p.path, "campaign") {
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/pages", token: p.fx.owner.Token,
			body: `{"slug":"launch","title":"Launch","content":"# Launch"}`}), http.StatusCreated)
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/campaigns", token: p.fx.owner.Token,
			body: `{"campaignId":"launch","goalType":"NEWSLETTER","primarySlug":"launch"}`}), http.StatusCreated)
	}
	if strings.Contains(p.path, "{templateId}") {
		rec := e.do(request{method: "POST", path: "/v2/handles/acme/tracking-templates", token: p.fx.owner.Token,
			body: `{"templateKey":"ga4_event","name":"GA4","config":{"measurementId":"G-ABC123","eventName":"click"}}`})
		mustStatus(t, rec, http.StatusCreated)
		p.fx.templateID = decode[struct{ TemplateID string }](t, rec).TemplateID
	}
	if strings.Contains(p.path, "{sessionId}") {
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/chain/signals", token: p.fx.owner.Token,
			body: `{"sessionId":"s1","signals":[{"type":"view"}]}`}), http.StatusAccepted)
	}
	if strings.Contains(p.path, "{key}") {
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/function-bindings", token: p.fx.owner.Token,
			body: `{"key":"notify","targetUrl":"https://fn.example.com/notify","requiredScope":"links.read"}`}), http.StatusCreated)
	}
	if strings.Contains(p.path, "{ruleId}") {
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/handles/acme/personalization-rules/r1", token: p.fx.owner.Token,
			body: `{"variant":{"id":"v1","destinationUrl":"https://example.com/r1"}}`}), http.StatusCreated)
	}
	p.fx.pat = e.MustCreatePAT(t, p.fx.owner, "acme", scopes...)
	p.fx.tokenID = strings.TrimPrefix(strings.SplitN(p.fx.pat, ".", 2)[0], "patv1_")
	p.setupFiles()
}

// setupFiles makes the files and deployment the path can name.
func (p *propertyRun) setupFiles() {
	e, t := p.e, p.t
	if strings.Contains(p.path, "{fileId}") || strings.Contains(p.path, "Token}") {
		p.fx.fileID, p.fx.downloadToken = e.MustUploadFile(t, p.fx.owner, "acme", "hello")
		created := decode[fileCreatedBody](t, e.do(request{method: "POST", path: "/v2/handles/acme/files",
			token: p.fx.owner.Token, body: `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":1}`}))
		p.fx.uploadToken = strings.TrimPrefix(uploadPath(t, created.UploadURL), "/v2/uploads/")
	}
	if strings.Contains(p.path, "{deploymentId}") {
		p.fx.deploymentID = e.MustDeployInline(t, p.fx.owner, "acme", "<h1>hi</h1>")
	}
	if strings.Contains(p.path, "{webhookId}") {
		p.fx.webhookID, p.fx.deliveryID = e.MustTestWebhook(t, p.fx.owner, "acme")
	}
}

// namesUsers reports whether the request body can name another user.
func (p *propertyRun) namesUsers() bool {
	s := p.bodySchema()
	return s != nil && hasProperty(s, "userId", "newOwnerUserId")
}

func hasProperty(s *openapi3.Schema, names ...string) bool {
	for k, ref := range s.Properties {
		if slices.Contains(names, k) || hasProperty(ref.Value, names...) {
			return true
		}
	}
	return s.Items != nil && hasProperty(s.Items.Value, names...)
}

// parameters are the operation's parameters, path-level ones overridden
// by the operation's, in a stable order.
func (p *propertyRun) parameters() []*openapi3.Parameter {
	byKey := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{p.item.Parameters, p.op.Parameters} {
		for _, ref := range list {
			byKey[ref.Value.In+" "+ref.Value.Name] = ref.Value
		}
	}
	var out []*openapi3.Parameter
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		out = append(out, byKey[k])
	}
	return out
}

// bodySchema is the JSON request body's schema, or nil.
func (p *propertyRun) bodySchema() *openapi3.Schema {
	if p.op.RequestBody == nil {
		return nil
	}
	if p.op.RequestBody.Value.Content["*/*"] != nil {
		return nil // an upload's bytes: any body is valid
	}
	mt := p.op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || len(p.op.RequestBody.Value.Content) != 1 {
		p.t.Fatalf("the generator only knows application/json bodies")
	}
	return mt.Schema.Value
}

// validParams fills every path parameter with an existing resource (or,
// when explore is set, sometimes another valid value) and some of the
// optional ones.
func (p *propertyRun) validParams(explore bool) map[string]map[string]string {
	out := map[string]map[string]string{"path": {}, "query": {}, "cookie": {}, "header": {}}
	existing := map[string]string{"handle": "acme", "slug": "launch", "tokenId": p.fx.tokenID,
		"handleName": "acme", "userId": p.fx.owner.ID, "domain": "links.example.com", "campaignId": "launch",
		"fileId": p.fx.fileID, "deploymentId": p.fx.deploymentID, "uploadToken": p.fx.uploadToken,
		"downloadToken": p.fx.downloadToken, "ruleId": "r1", "templateId": p.fx.templateID, "key": "notify", "sessionId": "s1",
		"webhookId": p.fx.webhookID, "deliveryId": p.fx.deliveryID}
	g := p.gen(true)
	for _, prm := range p.parameters() {
		if out[prm.In] == nil {
			p.t.Fatalf("the generator does not send %s parameters", prm.In)
		}
		if prm.In == "path" && (!explore || p.rng.IntN(4) > 0) {
			v, ok := existing[prm.Name]
			if !ok {
				p.t.Fatalf("no existing resource for path parameter %q", prm.Name)
			}
			out[prm.In][prm.Name] = v
			continue
		}
		if !prm.Required && p.rng.IntN(2) == 0 {
			continue
		}
		v := paramString(g.value(prm.Name, prm.Schema.Value))
		if v == "" && prm.In == "path" {
			v = "x" // an empty segment is another route
		}
		out[prm.In][prm.Name] = v
	}
	return out
}

func paramString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func (p *propertyRun) validCall() call {
	c := call{name: "valid", params: p.validParams(true)}
	if s := p.bodySchema(); s != nil {
		v := p.gen(false).value("", s)
		b := mustJSON(p.t, v)
		if err := s.VisitJSON(roundTrip(p.t, v)); err != nil {
			p.t.Fatalf("generator made an invalid body %s: %v", b, err)
		}
		c.body = &b
	}
	return c
}

// invalidCalls are this iteration's invalid variants: each applicable
// body mutation once, the two non-object bodies, and a few parameter
// mutations.
func (p *propertyRun) invalidCalls() []call {
	var out []call
	if s := p.bodySchema(); s != nil {
		base := p.gen(false).value("", s)
		for _, kind := range mutationKinds {
			v, what, ok := p.gen(false).mutate(kind, s, roundTrip(p.t, base))
			if !ok {
				continue
			}
			if err := s.VisitJSON(roundTrip(p.t, v)); err == nil {
				p.t.Fatalf("mutation %s (%s) left the body valid: %s", kind, what, mustJSON(p.t, v))
			}
			b := mustJSON(p.t, v)
			out = append(out, call{name: "body " + kind + " " + what, params: p.validParams(false), body: &b, invalid: true})
		}
		for _, raw := range []struct{ name, body string }{
			{"not JSON", `{"x":`},
			{"JSON array", "[" + mustJSON(p.t, base) + "]"},
			{"no body", ""},
		} {
			b := raw.body
			out = append(out, call{name: "body " + raw.name, params: p.validParams(false), body: &b, invalid: true})
		}
	}
	var params []call
	for _, prm := range p.parameters() {
		for _, bad := range p.gen(true).badParams(prm) {
			c := call{name: prm.In + " " + prm.Name + " " + bad.what, params: p.validParams(false), invalid: true}
			c.params[prm.In][prm.Name] = bad.value
			if s := p.bodySchema(); s != nil {
				b := mustJSON(p.t, p.gen(false).value("", s))
				c.body = &b
			}
			if prm.In == "path" && prm.Name == "handle" {
				// Auth resolves the handle before the request is
				// validated: an invalid one is one the caller does not
				// reach (404 for a JWT, 403 for another handle's PAT).
				c.statuses = []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound}
			}
			params = append(params, c)
		}
	}
	p.rng.Shuffle(len(params), func(i, j int) { params[i], params[j] = params[j], params[i] })
	return append(out, params[:min(len(params), 4)]...)
}

// send makes one call and checks the answer; the validating handler
// checks it against the spec.
func (p *propertyRun) send(c call) {
	t := p.t
	t.Helper()
	r := request{method: p.method, path: p.render(c), header: http.Header{}}
	if c.body != nil {
		r.body = *c.body
	}
	if ck := c.params["cookie"]; len(ck) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(ck)) {
			parts = append(parts, k+"="+ck[k])
		}
		r.header.Set("Cookie", strings.Join(parts, "; "))
	}
	for k, v := range c.params["header"] {
		r.header.Set(k, v)
	}
	p.credential(&r)
	p.checkRoute(r)
	desc := fmt.Sprintf("%s %s [%s] body %.200q", r.method, r.path, c.name, r.body)
	rec := p.do(r, desc)
	if rec == nil {
		return
	}
	if rec.Code >= 500 && !(unconfigured[p.op.OperationID] && rec.Code == http.StatusServiceUnavailable) {
		t.Errorf("%s: %d %s", desc, rec.Code, rec.Body.String())
		return
	}
	if !c.invalid {
		p.stats[fmt.Sprintf("valid %d", rec.Code)]++
		return
	}
	var b errorBody
	_ = json.Unmarshal(rec.Body.Bytes(), &b)
	p.stats[fmt.Sprintf("invalid %d %s", rec.Code, b.Error)]++
	statuses := c.statuses
	if statuses == nil {
		statuses = []int{http.StatusBadRequest}
	}
	if !slices.Contains(statuses, rec.Code) {
		t.Errorf("%s: got %d %s, want %v", desc, rec.Code, rec.Body.String(), statuses)
		return
	}
	codes := c.codes
	if codes == nil {
		codes = []string{"validation_error", "invalid_payload"}
		if dc, ok := domainCodes[p.op.OperationID]; ok {
			codes = append(codes, dc)
		}
	}
	if rec.Code == http.StatusBadRequest && !slices.Contains(codes, b.Error) {
		t.Errorf("%s: got 400 %q (%s), want one of %v", desc, b.Error, b.Message, codes)
	}
}

// do calls the server, turning a panic that escapes it into a failure.
func (p *propertyRun) do(r request, desc string) (rec *httptest.ResponseRecorder) {
	defer func() {
		if v := recover(); v != nil {
			p.t.Errorf("%s: panic: %v", desc, v)
			rec = nil
		}
	}()
	return p.e.do(r)
}

// credential signs the request the way the operation asks.
func (p *propertyRun) credential(r *request) {
	a := p.access
	switch {
	case a.Public:
	case a.JWT && a.PlatformAdmin:
		r.token = p.fx.admin.Token
	case a.JWT && p.op.OperationID == "logout":
		// Logging out ends the session: every call gets a fresh one.
		r.token, _ = p.e.MustLogin(p.t, p.fx.owner.Email)
	case a.JWT:
		r.token = p.fx.owner.Token
	case a.PAT && p.rng.IntN(2) == 0:
		r.header.Set("X-Api-Key", p.fx.pat)
	case a.PAT:
		r.token = p.fx.pat
	}
}

// checkRoute proves the validator sees the request as this operation, so
// no generated response escapes it.
func (p *propertyRun) checkRoute(r request) {
	c, err := loadResponseContract()
	if err != nil {
		p.t.Fatal(err)
	}
	route, _, err := c.router.FindRoute(httptest.NewRequest(r.method, r.path, nil))
	if err != nil || route.Operation.OperationID != p.op.OperationID {
		p.t.Fatalf("%s %s does not route to %s in the spec: %v", r.method, r.path, p.op.OperationID, err)
	}
}

func (p *propertyRun) render(c call) string {
	path := p.path
	for name, v := range c.params["path"] {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
	}
	q := url.Values{}
	for name, v := range c.params["query"] {
		q.Set(name, v)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

func (p *propertyRun) gen(urlSafe bool) *generator {
	return &generator{t: p.t, rng: p.rng, fx: &p.fx, catalogue: p.catalogue, urlSafe: urlSafe}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// roundTrip gives v the shape encoding/json decodes to, which is what the
// server validates (numbers as float64) and what mutations copy.
func roundTrip(t *testing.T, v any) any {
	var out any
	if err := json.Unmarshal([]byte(mustJSON(t, v)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
