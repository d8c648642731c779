// @ts-check
import { BlockList, isIP } from "node:net";

/**
 * Which address a request comes from, when proxies may stand in front of the
 * dashboard (REDRIVE_TRUSTED_PROXIES). Without a policy only the TCP peer is
 * believed: X-Forwarded-For is text any client can send, so reading its first
 * value would let anyone pick a fresh login-throttle counter or a victim's
 * address. With a policy, the chain is the forwarded values followed by the
 * peer, and it is read from the right, the end our own proxies append to:
 *
 * - a hop count `n`: the address `n` places left of the peer (one nginx in
 *   front: `1`, the value nginx appended);
 * - addresses, CIDR blocks or the names `loopback`, `private`, `linklocal`:
 *   every trusted address at the right end is skipped; the first one that is
 *   not trusted is the client.
 *
 * Plain JavaScript (type-checked through JSDoc): the HTTP server
 * (scripts/server.mjs) loads it before Next.js starts, without a TypeScript
 * loader, and the config validates the variable with the same parser.
 */

/**
 * @typedef {{ kind: "none" }
 *   | { kind: "hops"; hops: number }
 *   | { kind: "list"; list: BlockList; source: string }} TrustPolicy
 */

/** @type {Record<string, [string, number][]>} */
const NAMED = {
  loopback: [
    ["127.0.0.0", 8],
    ["::1", 128],
  ],
  private: [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["fc00::", 7],
  ],
  linklocal: [
    ["169.254.0.0", 16],
    ["fe80::", 10],
  ],
};

/** At most this many forwarded values are read; a longer header is cut from the left. */
const MAX_HOPS = 32;
const MAX_HEADER_CHARS = 4096;

export class TrustPolicyError extends Error {}

/**
 * Parses REDRIVE_TRUSTED_PROXIES; throws TrustPolicyError naming the bad entry.
 * @param {string | undefined} text
 * @returns {TrustPolicy}
 */
export function parseTrustPolicy(text) {
  const value = (text ?? "").trim();
  if (value === "" || value === "0" || value === "none") return { kind: "none" };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) throw new TrustPolicyError(`expected at most ${MAX_HOPS} hops`);
    return { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const entry of value.split(",").map((e) => e.trim())) addEntry(list, entry);
  return { kind: "list", list, source: value };
}

/**
 * @param {BlockList} list
 * @param {string} entry
 */
function addEntry(list, entry) {
  const named = NAMED[entry.toLowerCase()];
  if (named) {
    for (const [net, prefix] of named) list.addSubnet(net, prefix, familyOf(net));
    return;
  }
  const slash = entry.indexOf("/");
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) {
    throw new TrustPolicyError(
      `${JSON.stringify(entry.slice(0, 60))} is not an address, a CIDR block, a hop count or one of loopback, private, linklocal`,
    );
  }
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const bits = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      throw new TrustPolicyError(`${JSON.stringify(entry.slice(0, 60))}: bad prefix length`);
    }
    prefix = Number(bits);
  }
  list.addSubnet(address, prefix, familyOf(address));
}

/**
 * @param {string} address
 * @returns {"ipv4" | "ipv6"}
 */
function familyOf(address) {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/**
 * An address as written in a header or by the socket, in plain form, or null when it is none.
 * @param {string} raw
 * @returns {string | null}
 */
export function normalizeAddress(raw) {
  let a = raw.trim();
  if (a.startsWith("[")) {
    const end = a.indexOf("]");
    if (end < 0) return null;
    a = a.slice(1, end);
  } else if (a.indexOf(":") === a.lastIndexOf(":") && a.includes(".")) {
    a = a.split(":")[0] ?? ""; // 192.0.2.1:8080
  }
  if (a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4) a = a.slice(7);
  return isIP(a) ? a.toLowerCase() : null;
}

/**
 * The client address of a request from `peer` (the socket's remote address)
 * carrying `forwardedFor` (the X-Forwarded-For header, possibly absent).
 * @param {TrustPolicy} policy
 * @param {string | undefined} peer
 * @param {string | undefined} forwardedFor
 * @returns {string}
 */
export function clientAddress(policy, peer, forwardedFor) {
  const self = normalizeAddress(peer ?? "") ?? "unknown";
  if (policy.kind === "none" || !forwardedFor) return self;
  const chain = forwardedHops(forwardedFor);
  chain.push(self);
  if (policy.kind === "hops") {
    return pickValid(chain, Math.max(0, chain.length - 1 - policy.hops));
  }
  let i = chain.length - 1;
  while (i > 0 && isTrusted(policy.list, chain[i] ?? "")) i--;
  return pickValid(chain, i);
}

/**
 * Whether the TCP peer is a proxy whose forwarded headers may be believed.
 * @param {TrustPolicy} policy
 * @param {string | undefined} peer
 * @returns {boolean}
 */
export function peerIsTrusted(policy, peer) {
  if (policy.kind === "none") return false;
  if (policy.kind === "hops") return policy.hops > 0;
  const self = normalizeAddress(peer ?? "");
  return self !== null && isTrusted(policy.list, self);
}

/**
 * @param {string} header
 * @returns {string[]}
 */
function forwardedHops(header) {
  const hops = header.slice(-MAX_HEADER_CHARS).split(",");
  return hops.slice(-MAX_HOPS).map((h) => normalizeAddress(h) ?? "");
}

/**
 * @param {BlockList} list
 * @param {string} address
 */
function isTrusted(list, address) {
  return address !== "" && list.check(address, familyOf(address));
}

/**
 * chain[i] when it is an address; a forged value that is not falls to the nearest valid one on its right.
 * @param {string[]} chain
 * @param {number} i
 * @returns {string}
 */
function pickValid(chain, i) {
  for (let j = i; j < chain.length; j++) if (chain[j]) return chain[j] ?? "unknown";
  return "unknown";
}
