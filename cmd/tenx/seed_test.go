package main

import (
	"context"
	"encoding/json"
	"os"
	execpkg "os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seedDir holds the seed documents' curl examples, one file each.
const seedDir = "testdata/seeds"

// seedBaseURL is the base URL the seed examples are written against.
const seedBaseURL = "https://api.10x.in"

// readSeedExample returns one committed example, e.g. "000_58666d2eead25d24/1-login".
func readSeedExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(seedDir, name+".curl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// extractCurlExamples finds every curl command of a seed document: a line
// starting with "curl " and the lines it continues onto (a trailing
// backslash or an open single quote). The seed glues page text onto some
// commands' last lines ("...'Body"), so the last line ends at its last quote.
func extractCurlExamples(doc string) []string {
	lines := strings.Split(doc, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "curl ") {
			continue
		}
		cmd := []string{lines[i]}
		for continues(cmd) && i+1 < len(lines) {
			i++
			cmd = append(cmd, lines[i])
		}
		last := cmd[len(cmd)-1]
		cmd[len(cmd)-1] = last[:strings.LastIndexAny(last, `"'`)+1]
		out = append(out, strings.Join(cmd, "\n"))
	}
	return out
}

func continues(cmd []string) bool {
	return strings.HasSuffix(cmd[len(cmd)-1], `\`) || strings.Count(strings.Join(cmd, "\n"), "'")%2 == 1
}

// TestSeedCopiesMatchTheSeeds keeps testdata/seeds true to the seed
// documents when they are at hand (../shared/seeds beside the checkout):
// the same examples, in the same order, byte for byte.
func TestSeedCopiesMatchTheSeeds(t *testing.T) {
	seeds := filepath.Join(moduleRoot(t), "..", "shared", "seeds")
	if _, err := os.Stat(seeds); err != nil {
		t.Skipf("the seed documents are not at %s; the committed copies stand", seeds)
	}
	dirs, err := os.ReadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		doc, err := os.ReadFile(filepath.Join(seeds, d.Name()+".txt"))
		if err != nil {
			t.Fatalf("seed of %s: %v", d.Name(), err)
		}
		if diff := cmp.Diff(extractCurlExamples(string(doc)), committedExamples(t, d.Name())); diff != "" {
			t.Errorf("%s: committed examples differ from the seed (-seed +committed):\n%s", d.Name(), diff)
		}
	}
}

// committedExamples are the examples of one seed, in file-name order.
func committedExamples(t *testing.T, seed string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(seedDir, seed, "*.curl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, readSeedExample(t, seed+"/"+strings.TrimSuffix(filepath.Base(f), ".curl")))
	}
	return out
}

// moduleRoot is the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// curlShell runs seed examples with the real curl, as a reader would paste
// them into a shell: in one working directory (for cookies.txt), with the
// shell variables the seeds use set.
type curlShell struct {
	t    *testing.T
	dir  string
	env  []string // curlHome's
	base string
	vars map[string]string
}

// curlResult is what one example answered.
type curlResult struct {
	status int
	body   string
}

var curlStatus = regexp.MustCompile(`(?m)^seed-status=(\d{3})$`)

func newCurlShell(t *testing.T, base string) *curlShell {
	t.Helper()
	if _, err := execpkg.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is missing, and CI must run the seed examples: apt-get install curl")
		}
		t.Skip("curl is not installed")
	}
	dir, env := curlHome(t, "seed-status=%{http_code}")
	return &curlShell{t: t, dir: dir, env: env, base: base, vars: map[string]string{}}
}

// curlHome makes a working directory for examples run with the real curl
// and returns it with their environment: no proxy settings and no user
// .curlrc, but one of its own that writes writeOut to stderr after each
// request, so the command lines stay exactly as written and stdout is
// only the body.
func curlHome(t *testing.T, writeOut string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	rc := "write-out = \"%{stderr}\\n" + writeOut + "\\n\"\n"
	if err := os.WriteFile(filepath.Join(dir, ".curlrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "CURL_HOME=" + dir}
}

// run substitutes the base URL and the given placeholders in example and
// runs it with sh in the shell's directory.
func (sh *curlShell) run(example string, placeholders ...string) curlResult {
	sh.t.Helper()
	script := strings.ReplaceAll(example, seedBaseURL, sh.base)
	script = strings.NewReplacer(placeholders...).Replace(script)
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := execpkg.CommandContext(ctx, "sh", "-c", script)
	cmd.Dir, cmd.Env = sh.dir, slices.Clone(sh.env)
	for k, v := range sh.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		sh.t.Fatalf("%s\n%v: %s", script, err, stderr.String())
	}
	m := curlStatus.FindStringSubmatch(stderr.String())
	if m == nil {
		sh.t.Fatalf("%s\nno status from curl: %s", script, stderr.String())
	}
	status, _ := strconv.Atoi(m[1])
	return curlResult{status: status, body: stdout.String()}
}

// decode reads the JSON body of a result, failing on anything else.
func (r curlResult) decode(t *testing.T, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), out); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
}

// want checks the status, and for errors the envelope's code.
func (r curlResult) want(t *testing.T, what string, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: got %d %s, want %d %s", what, r.status, r.body, status, code)
	}
	if code == "" {
		return
	}
	var e struct{ Error, Message, RequestID string }
	r.decode(t, &e)
	if e.Error != code || e.Message == "" {
		t.Fatalf("%s: got %s, want the %s envelope", what, r.body, code)
	}
}

// TestExtractCurlExamples: continuation lines, a body spanning lines and
// page text glued onto the last line, as the seeds have them.
func TestExtractCurlExamples(t *testing.T) {
	doc := "Intro\ncurl -sS \"https://x/a\" \\\n-H \"k: v\"Next heading\ntext\n" +
		"curl -sS -X POST \"https://x/b\" \\\n-d '{\n\"a\": 1\n}'\nafter\ncurl -sS \"https://x/c\"\n"
	want := []string{"curl -sS \"https://x/a\" \\\n-H \"k: v\"",
		"curl -sS -X POST \"https://x/b\" \\\n-d '{\n\"a\": 1\n}'", "curl -sS \"https://x/c\""}
	if diff := cmp.Diff(want, extractCurlExamples(doc)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
