// The auth helpers, without a server: a fake fetch records what was sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTenxClient, isPAT, withJWT, withPAT } from "../src/index.js";

const PAT = "patv1_tok_abc123.s3cr3t";

function recorder(): { fetch: (req: Request) => Promise<Response>; seen: Request[] } {
  const seen: Request[] = [];
  return {
    seen,
    fetch: async (req: Request) => {
      seen.push(req);
      return new Response(JSON.stringify({ links: [] }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    },
  };
}

describe("auth helpers", () => {
  it("pat: sends the PAT in x-api-key and no Authorization", async () => {
    const rec = recorder();
    const tenx = createTenxClient({ baseUrl: "http://tenx.test/", pat: PAT, fetch: rec.fetch });
    const { data } = await tenx.GET("/v2/public/handles/{handle}/links", {
      params: { path: { handle: "acme" }, query: { limit: 10 } },
    });
    assert.deepEqual(data, { links: [] });
    const req = rec.seen[0];
    assert.ok(req);
    assert.equal(req.url, "http://tenx.test/v2/public/handles/acme/links?limit=10");
    assert.equal(req.headers.get("x-api-key"), PAT);
    assert.equal(req.headers.get("authorization"), null);
  });

  it("accessToken: sends Authorization: Bearer", async () => {
    const rec = recorder();
    const tenx = createTenxClient({ baseUrl: "http://tenx.test", accessToken: "eyJhbGciOi.x.y", fetch: rec.fetch });
    await tenx.GET("/v2/handles");
    assert.equal(rec.seen[0]?.headers.get("authorization"), "Bearer eyJhbGciOi.x.y");
    assert.equal(rec.seen[0]?.headers.get("x-api-key"), null);
  });

  it("withPAT and withJWT are middleware for any openapi-fetch client", async () => {
    const rec = recorder();
    const tenx = createTenxClient({ baseUrl: "http://tenx.test", fetch: rec.fetch });
    tenx.use(withPAT(PAT));
    await tenx.GET("/v2/public/handles/{handle}/tokens/self", { params: { path: { handle: "acme" } } });
    assert.equal(rec.seen[0]?.headers.get("x-api-key"), PAT);
    const jwt = withJWT("header.payload.sig");
    tenx.use(jwt);
    await tenx.GET("/v2/handles");
    assert.equal(rec.seen[1]?.headers.get("authorization"), "Bearer header.payload.sig");
    tenx.eject(jwt);
    await tenx.GET("/v2/handles");
    assert.equal(rec.seen[2]?.headers.get("authorization"), null);
  });

  it("rejects a token of the wrong kind", () => {
    assert.equal(isPAT(PAT), true);
    assert.equal(isPAT("header.payload.sig"), false);
    assert.throws(() => withPAT("header.payload.sig"), TypeError);
    assert.throws(() => withJWT(PAT), TypeError);
    assert.throws(() => createTenxClient({ baseUrl: "http://tenx.test", pat: PAT, accessToken: "a.b.c" }), TypeError);
  });
});
