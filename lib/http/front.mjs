// @ts-check
import { randomBytes } from "node:crypto";
import { clientAddress, peerIsTrusted } from "../client-address.mjs";

/**
 * The HTTP layer in front of Next.js's request handler (scripts/server.mjs
 * runs it for `npm start`). It does what only the server that owns the socket
 * can do, before any of Next's code reads the request:
 *
 * - the client address, from the socket and REDRIVE_TRUSTED_PROXIES, in a
 *   header no client can set (a route handler never sees the socket, and Next
 *   passes a client's own X-Forwarded-For through unchanged);
 * - forwarded host and protocol dropped unless the peer is a trusted proxy;
 * - request bodies bounded by their declared length before a byte is read
 *   (413), and bodies of unknown length refused (411);
 * - paths with a malformed percent escape or an escaped dot segment refused
 *   (400): Next's router answers the first with a bare 500, and decodes
 *   `%2e%2e` into `..` and resolves it, reaching a route the path does not name;
 * - security headers on every response, with a fresh CSP nonce that Next puts
 *   on its own scripts.
 *
 * Plain JavaScript (type-checked through JSDoc), so that the server loads it
 * without a TypeScript loader resident in the dashboard process.
 *
 * @typedef {import("node:http").IncomingMessage} IncomingMessage
 * @typedef {import("node:http").ServerResponse} ServerResponse
 * @typedef {import("../client-address.mjs").TrustPolicy} TrustPolicy
 * @typedef {(req: IncomingMessage, res: ServerResponse) => Promise<void> | void} Handler
 * @typedef {{ trust: TrustPolicy; https: boolean }} FrontOptions
 *   `https`: the public URL is https, so send HSTS and upgrade insecure requests.
 */
export const CLIENT_ADDRESS_HEADER = "x-redrive-client-address";

/** The most an admin API request body may be, in bytes. */
export const API_BODY_MAX_BYTES = 1_000_000;

/** @type {readonly [prefix: string, bytes: number][]} The most a request body may declare, by path prefix (first match wins). */
export const BODY_LIMITS = [
  ["/api/auth/", 16 * 1024],
  ["/api/", API_BODY_MAX_BYTES],
  ["/", 16 * 1024],
];

const FRONT = Symbol.for("redrive.front");

/**
 * Whether this process serves requests through the front layer (so its headers can be believed).
 * @returns {boolean}
 */
export function behindFront() {
  return /** @type {Record<symbol, unknown>} */ (globalThis)[FRONT] === true;
}

/**
 * @param {Handler} next
 * @param {FrontOptions} options
 * @returns {Handler}
 */
export function front(next, options) {
  /** @type {Record<symbol, unknown>} */ (globalThis)[FRONT] = true;
  return (req, res) => {
    timeResponse(req, res);
    const nonce = randomBytes(16).toString("base64");
    setSecurityHeaders(res, nonce, options.https);
    const refused = pathProblem(req) ?? bodyProblem(req);
    if (refused) return refuse(req, res, refused);
    trustForwarding(req, options.trust);
    // Next reads the nonce for its scripts from the request's policy header.
    req.headers["content-security-policy"] = pagePolicy(nonce, options.https);
    return next(req, res);
  };
}

/** Where the app's metrics (lib/metrics/process-metrics.ts) install their request observer. */
const OBSERVE_REQUEST = Symbol.for("redrive.observeRequest");

/**
 * Reports each response's latency to the app's HTTP histogram once it ends
 * (or its connection closes first): measured here, where the request arrives,
 * so that it counts the time Next takes as well as the handler's.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
function timeResponse(req, res) {
  const started = process.hrtime.bigint();
  const method = req.method ?? "GET";
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  let done = false;
  const report = () => {
    const observe = /** @type {Record<symbol, unknown>} */ (globalThis)[OBSERVE_REQUEST];
    if (done || typeof observe !== "function") return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    observe(method, path, res.statusCode, seconds);
  };
  // "finish": the response was handed to the socket; "close" alone: the client went first.
  res.once("finish", report);
  res.once("close", report);
}

/**
 * @param {IncomingMessage} req
 * @param {TrustPolicy} trust
 */
function trustForwarding(req, trust) {
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith("x-redrive-")) delete req.headers[name];
  }
  const peer = req.socket.remoteAddress;
  const forwarded = headerText(req.headers["x-forwarded-for"]);
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(trust, peer, forwarded);
  if (!peerIsTrusted(trust, peer)) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-proto"];
  }
}

/**
 * @param {string | string[] | undefined} value
 * @returns {string | undefined}
 */
function headerText(value) {
  return Array.isArray(value) ? value.join(",") : value;
}

/** @typedef {[status: number, code: string, message: string]} Refusal */

/**
 * @param {IncomingMessage} req
 * @returns {Refusal | null}
 */
function pathProblem(req) {
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  let segments;
  try {
    segments = path.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return [400, "INVALID_PATH", "The path has a malformed percent escape"];
  }
  if (segments.some((s) => s === "." || s === "..")) {
    return [400, "INVALID_PATH", "The path has a dot segment"];
  }
  return null;
}

/**
 * @param {IncomingMessage} req
 * @returns {Refusal | null}
 */
function bodyProblem(req) {
  const url = req.url ?? "/";
  const limit = (BODY_LIMITS.find(([prefix]) => url.startsWith(prefix)) ?? ["", 0])[1];
  const declared = req.headers["content-length"];
  if (declared === undefined) {
    return req.headers["transfer-encoding"]
      ? [411, "LENGTH_REQUIRED", "Send the body with a Content-Length"]
      : null;
  }
  if (Number(declared) > limit) {
    return [413, "TOO_LARGE", `The body is larger than ${limit} bytes`];
  }
  return null;
}

/**
 * The most of a refused body that is read and dropped so that the connection
 * stays open (see refuse).
 */
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Answers a refused request at once, before its body is read. A client is
 * usually still sending that body: were the socket closed now, its unread
 * bytes would make the kernel reset the connection, and a reset discards the
 * answer the client has not read yet, so the sender of a body a little over
 * the limit, or of any body to a refused path, would see a broken connection
 * instead of this answer (the fuzz test saw it for a 1 MB body). So a body
 * declared up to LINGER_MAX_BYTES is read and dropped by Node.js once this
 * answer is sent (what it does with any body a handler left unread), and the
 * connection stays usable; a larger or unsized one closes the connection
 * after the answer, as reading it would cost more than the refusal saves.
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {Refusal} refusal
 */
function refuse(req, res, [status, code, message]) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  const declared = Number(req.headers["content-length"] ?? NaN);
  const linger = declared <= LINGER_MAX_BYTES;
  if (!linger) res.setHeader("connection", "close");
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * Scripts run only with this response's nonce (and what they load, through
 * 'strict-dynamic'); nothing may frame the dashboard, so a click on "requeue"
 * is always the admin's own.
 * @param {string} nonce
 * @param {boolean} https
 * @returns {string}
 */
export function pagePolicy(nonce, https) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    // React writes style attributes (bar widths); they cannot run code.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * @param {ServerResponse} res
 * @param {string} nonce
 * @param {boolean} https
 */
function setSecurityHeaders(res, nonce, https) {
  res.setHeader("content-security-policy", pagePolicy(nonce, https));
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "same-origin");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
  if (https) res.setHeader("strict-transport-security", "max-age=31536000");
}
