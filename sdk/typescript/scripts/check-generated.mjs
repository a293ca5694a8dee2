// Fails (exit 1) when src/schema.d.ts is not what `npm run generate` would
// write from ../../openapi/openapi.yaml now. It runs the generate script from
// package.json with its output sent to a temporary file, then compares.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "src", "schema.d.ts");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const args = pkg.scripts.generate.split(/\s+/);
const out = args.indexOf("-o");
if (args[0] !== "openapi-typescript" || out < 0 || args[out + 1] !== "src/schema.d.ts") {
  console.error("check-generated: expected the generate script to be `openapi-typescript ... -o src/schema.d.ts`");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "tenx-sdk-gen-"));
const fresh = join(dir, "schema.d.ts");
let stale = false;
try {
  args[out + 1] = fresh;
  const cli = join(root, "node_modules", "openapi-typescript", "bin", "cli.js");
  const gen = spawnSync(process.execPath, [cli, ...args.slice(1)], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (gen.status !== 0) {
    console.error("check-generated: openapi-typescript failed");
    process.exit(1);
  }
  let have = "";
  try {
    have = readFileSync(committed, "utf8");
  } catch {
    // a missing file is stale
  }
  if (readFileSync(fresh, "utf8") !== have) {
    stale = true;
    const diff = spawnSync("diff", ["-u", committed, fresh], { encoding: "utf8" });
    if (diff.stdout) process.stderr.write(diff.stdout.split("\n").slice(0, 80).join("\n") + "\n");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (stale) {
  console.error("sdk/typescript/src/schema.d.ts is stale: run `npm run generate` (make sdk) and commit it");
  process.exit(1);
}
console.log("sdk/typescript/src/schema.d.ts is up to date with openapi/openapi.yaml");
