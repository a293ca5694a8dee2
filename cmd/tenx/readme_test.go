package main

import (
	"context"
	"os"
	execpkg "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tenx/store/storetest"
)

// readmeBaseURL is the server the README's examples talk to.
const readmeBaseURL = "http://localhost:8080"

// shellBlock is a fenced sh block of the README.
var shellBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// readmeStatus is what each curl writes to stderr (see TestReadmeWalk).
var readmeStatus = regexp.MustCompile(`(?m)^readme-status=(\d{3}) (\S+) (\S+)$`)

// TestReadmeWalk runs the README's shell examples (all but the first,
// `make run`) as a newcomer pastes them into one bash session, in order,
// with the real curl, against a served tenx on each database. Every
// request must succeed except the one the README says is refused: the
// revoked token's 401. A section that needs a token or a session the walk
// has not made, or an example whose route, body or scope is wrong, fails
// it.
func TestReadmeWalk(t *testing.T) {
	if _, err := execpkg.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is missing, and CI must walk the README: apt-get install curl")
		}
		t.Skip("curl is not installed")
	}
	readme, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 2 || !strings.HasPrefix(blocks[0][1], "make run") {
		t.Fatalf("the README's first sh block is not `make run` (%d blocks)", len(blocks))
	}
	var script strings.Builder
	for _, b := range blocks[1:] {
		script.WriteString(b[1])
	}
	storetest.Dialects(t, func(t *testing.T, url string) {
		addr := freeAddr(t)
		env := quietEnv(t, url)
		env["TENX_ADDR"], env["TENX_PUBLIC_URL"] = addr, "http://"+addr
		srv := mustServe(t, env)
		requests := walkReadme(t, strings.ReplaceAll(script.String(), readmeBaseURL, srv.URL))
		var refused []string
		for _, r := range requests {
			if status, _ := strconv.Atoi(r[1]); status >= 400 {
				refused = append(refused, r[1]+" "+r[2]+" "+r[3])
			}
		}
		want := "401 GET " + srv.URL + "/v2/public/handles/acme/links"
		if len(refused) != 1 || refused[0] != want {
			t.Fatalf("%d requests; refused: %q, want only %q (the revoked token's)", len(requests), refused, want)
		}
		if calls := strings.Count(script.String(), "curl "); len(requests) != calls {
			t.Fatalf("%d requests ran, but the examples make %d", len(requests), calls)
		}
	})
}

// walkReadme runs script with bash in a directory of its own (for
// cookies.txt), curl writing each request's status, method and URL to
// stderr, and returns those.
func walkReadme(t *testing.T, script string) [][]string {
	t.Helper()
	dir, env := curlHome(t, "readme-status=%{http_code} %{method} %{url_effective}")
	ctx, cancel := context.WithTimeout(context.Background(), 3*hangGuard)
	defer cancel()
	cmd := execpkg.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the walk failed: %v\n%s", err, stderr.String())
	}
	requests := readmeStatus.FindAllStringSubmatch(stderr.String(), -1)
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "curl:") {
			t.Errorf("curl: %s", line)
		}
	}
	t.Logf("%d requests; the walk printed %d bytes", len(requests), stdout.Len())
	return requests
}
