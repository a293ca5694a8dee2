// The integrator's path, through the SDK only, against a live `tenx serve`
// built from this repository: sign up, log in, create a handle, mint a PAT,
// manage links with it, revoke it.
//
// Needs Go: set GO to the go binary when it is not on PATH
// (GO=/usr/local/go/bin/go npm test).
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createTenxClient,
  type ApiError,
  type Handle,
  type Link,
  type TenxClient,
  type TokenCreated,
} from "../src/index.js";

// Compile-time assertions: the error of a call is the spec's error envelope.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

// This file runs as dist/test/live.test.js; the repository root is four levels up.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const GO = process.env.GO || "go";
const packageDir = join(repoRoot, "sdk", "typescript");

// readmeExample is the code block after "`example.mjs`:" in the README.
function readmeExample(): string {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const m = /`example\.mjs`:\s*```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m?.[1], "README.md has no `example.mjs`: block");
  return m[1];
}

interface Server {
  baseUrl: string;
  proc: ChildProcess;
  dir: string;
  stderr: string[];
}

function buildTenx(dir: string): string {
  assert.ok(existsSync(join(repoRoot, "go.mod")), `no go.mod in ${repoRoot}`);
  const bin = join(dir, "tenx");
  const res = spawnSync(GO, ["build", "-o", bin, "./cmd/tenx"], { cwd: repoRoot, encoding: "utf8" });
  if (res.error) throw new Error(`cannot run ${GO} (set GO to the go binary): ${res.error.message}`);
  if (res.status !== 0) throw new Error(`go build failed:\n${res.stderr}`);
  return bin;
}

async function startTenx(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "tenx-sdk-test-"));
  const bin = buildTenx(dir);
  const proc = spawn(bin, ["serve"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      TENX_ADDR: "127.0.0.1:0",
      TENX_DATABASE_URL: `sqlite:${join(dir, "tenx.db")}`,
      TENX_DATA_DIR: dir,
      TENX_LOG_LEVEL: "error",
    },
  });
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on("line", (l) => stderr.push(l));
  const addr = await new Promise<string>((resolveAddr, reject) => {
    const timer = setTimeout(() => reject(new Error(`tenx did not start:\n${stderr.join("\n")}`)), 30_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tenx exited with ${code} before listening:\n${stderr.join("\n")}`));
    });
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const m = /^tenx listening on (\S+)$/.exec(line.trim());
      if (m?.[1]) {
        clearTimeout(timer);
        resolveAddr(m[1]);
      }
    });
  });
  return { baseUrl: `http://${addr}`, proc, dir, stderr };
}

async function stopTenx(s: Server | undefined): Promise<void> {
  if (!s) return;
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    const exited = new Promise((r) => s.proc.once("exit", r));
    s.proc.kill("SIGTERM");
    const timer = setTimeout(() => s.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(s.dir, { recursive: true, force: true });
}

describe("tenx SDK against a live server", () => {
  let server: Server | undefined;
  let anon: TenxClient;
  let jwt: TenxClient;
  let patClient: TenxClient;
  let minted: TokenCreated;
  const email = "sdk-owner@example.com";
  const password = "a long password for the sdk test";
  const handle = "sdk-acme";
  const slug = "new-launch";

  before(async () => {
    server = await startTenx();
    anon = createTenxClient({ baseUrl: server.baseUrl });
  }, { timeout: 300_000 });

  after(async () => {
    await stopTenx(server);
  });

  it("signs up and logs in", async () => {
    const signup = await anon.POST("/v2/auth/signup", { body: { email, password } });
    assert.equal(signup.response.status, 201, JSON.stringify(signup.error));
    assert.equal(signup.data?.user.email, email);

    const login = await anon.POST("/v2/auth/login", { body: { email, password } });
    assert.equal(login.response.status, 200, JSON.stringify(login.error));
    assert.ok(login.data);
    assert.equal(login.data.tokenType, "Bearer");
    jwt = createTenxClient({ baseUrl: server!.baseUrl, accessToken: login.data.accessToken });
  });

  it("creates a handle and mints a PAT", async () => {
    const created = await jwt.POST("/v2/handles", { body: { handle, displayName: "SDK Acme" } });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    const h: Handle | undefined = created.data;
    assert.equal(h?.handle, handle);
    assert.equal(h?.role, "OWNER");

    const tok = await jwt.POST("/v2/handles/{handle}/tokens", {
      params: { path: { handle } },
      body: { name: "sdk-test", scopes: ["links.read", "links.write"], expiresInDays: 1 },
    });
    assert.equal(tok.response.status, 201, JSON.stringify(tok.error));
    assert.ok(tok.data);
    minted = tok.data;
    assert.match(minted.token, /^patv1_tok_[A-Za-z0-9]+\..+$/);
    assert.deepEqual([...minted.scopes].sort(), ["links.read", "links.write"]);
    patClient = createTenxClient({ baseUrl: server!.baseUrl, pat: minted.token });
  });

  it("upserts and lists links with the PAT", async () => {
    const put = await patClient.PUT("/v2/public/handles/{handle}/links/{slug}", {
      params: { path: { handle, slug } },
      body: { destinationUrl: "https://example.com/launch", title: "New Launch", tags: ["sdk"] },
    });
    assert.equal(put.response.status, 201, JSON.stringify(put.error));
    assert.equal(put.data?.slug, slug);

    const list = await patClient.GET("/v2/public/handles/{handle}/links", {
      params: { path: { handle }, query: { limit: 50 } },
    });
    assert.equal(list.response.status, 200, JSON.stringify(list.error));
    assert.ok(list.data);
    const link: Link | undefined = list.data.links.find((l) => l.slug === slug);
    assert.ok(link, "the new link is listed");
    assert.equal(link.destinationUrl, "https://example.com/launch");
    assert.equal(link.title, "New Launch");
    assert.ok(link.url.endsWith(`/${handle}/${slug}`), `url ${link.url}`);
  });

  it("describes itself with tokens/self", async () => {
    const self = await patClient.GET("/v2/public/handles/{handle}/tokens/self", { params: { path: { handle } } });
    assert.equal(self.response.status, 200, JSON.stringify(self.error));
    assert.equal(self.data?.tokenId, minted.tokenId);
    assert.equal(self.data?.handle, handle);
    assert.equal(self.data?.name, "sdk-test");
  });

  it("runs the README's example.mjs as written, in an ESM project", () => {
    const code = readmeExample();
    // What `npm install ../tenx/sdk/typescript` makes: a link to this package.
    const project = mkdtempSync(join(tmpdir(), "tenx-sdk-readme-"));
    try {
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-app", type: "module" }));
      mkdirSync(join(project, "node_modules", "@tenx"), { recursive: true });
      symlinkSync(packageDir, join(project, "node_modules", "@tenx", "sdk"), "dir");
      writeFileSync(join(project, "example.mjs"), code);
      const res = spawnSync(process.execPath, ["example.mjs"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, TENX_URL: server!.baseUrl, TENX_HANDLE: handle, TENX_PAT: minted.token },
      });
      assert.equal(res.status, 0, `node example.mjs failed:\n${res.stderr}`);
      assert.match(res.stdout, new RegExp(`^${server!.baseUrl}/${handle}/\\S+ -> https://`, "m"));
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("returns typed error envelopes", async () => {
    const dup = await jwt.POST("/v2/handles", { body: { handle } });
    assertType<Equal<NonNullable<typeof dup.error>, ApiError>>();
    assert.equal(dup.response.status, 409);
    assert.equal(dup.data, undefined);
    const err: ApiError | undefined = dup.error;
    assert.ok(err);
    assert.equal(err.error, "conflict");
    assert.equal(typeof err.message, "string");
    assert.equal(err.requestId, dup.response.headers.get("x-request-id"));
  });

  it("revokes the PAT with the JWT; the PAT then gets 401 token_revoked", async () => {
    const del = await jwt.DELETE("/v2/handles/{handle}/tokens/{tokenId}", {
      params: { path: { handle, tokenId: minted.tokenId } },
    });
    assert.equal(del.response.status, 204, JSON.stringify(del.error));

    const list = await patClient.GET("/v2/public/handles/{handle}/links", { params: { path: { handle } } });
    assertType<Equal<NonNullable<typeof list.error>, ApiError>>();
    assert.equal(list.response.status, 401);
    assert.equal(list.data, undefined);
    assert.ok(list.error);
    assert.equal(list.error.error, "token_revoked");
    assert.ok(list.error.message.length > 0);
    assert.ok(list.error.requestId.length > 0);
    assert.equal(list.error.requestId, list.response.headers.get("x-request-id"));
  });
});
