import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * bench/peers/: the systems Redrive is measured against, with a package.json of
 * their own so that they never become the product's dependencies.
 */
export const PEERS_DIR = fileURLToPath(new URL("../peers", import.meta.url));

/** The peers bench/peers/package.json lists that bench/peers/node_modules lacks. */
function missingPeers(): string[] {
  const manifest = JSON.parse(readFileSync(join(PEERS_DIR, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {}).filter(
    (name) => !existsSync(join(PEERS_DIR, "node_modules", name, "package.json")),
  );
}

/** Installs the peers when any of them is missing; the install's output is shown as it runs. */
export function ensurePeers(): void {
  const missing = missingPeers();
  if (missing.length === 0) return;
  console.log(
    `[bench] installing peers in bench/peers (npm install; missing: ${missing.join(", ")})`,
  );
  const res = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: PEERS_DIR,
    stdio: "inherit",
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`npm install in bench/peers exited with ${res.status}`);
}

/** The installed version of a peer package, for the summary. */
export function peerVersion(name: string): string {
  const file = join(PEERS_DIR, "node_modules", name, "package.json");
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}
