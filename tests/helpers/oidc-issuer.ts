import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenID Connect issuer on a free loopback port, for tests that log in
 * with single sign-on over real HTTP: discovery, a JWKS with a fresh RS256 key,
 * an authorization endpoint that logs in at once as whoever the test chose
 * (`nextLogin`) and redirects back with a code, a token endpoint that checks
 * the client, the code and PKCE and returns a signed id token, and userinfo.
 */
export interface OidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  groups?: string[] | string;
  /** Any further claims, e.g. a custom groups claim. */
  [claim: string]: unknown;
}

export interface OidcIssuer {
  /** The issuer URL (what OIDC_ISSUER is set to). */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization request logs in as. */
  nextLogin(user: OidcUser): void;
  close(): Promise<void>;
}

interface PendingCode {
  user: OidcUser;
  clientId: string;
  redirectUri: string;
  nonce?: string;
  challenge?: string;
  challengeMethod?: string;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** The client's id and secret from HTTP Basic (client_secret_basic) or the form (client_secret_post). */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): [string, string] {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Basic ")) {
    const decoded = Buffer.from(auth.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return [
      decodeURIComponent(decoded.slice(0, colon)),
      decodeURIComponent(decoded.slice(colon + 1)),
    ];
  }
  return [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
}

export async function startOidcIssuer(
  clientId = "redrive",
  clientSecret = "s3cret-value",
): Promise<OidcIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(8).toString("hex");
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, OidcUser>();
  let next: OidcUser | undefined;
  let url = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    switch (requestUrl.pathname) {
      case "/.well-known/openid-configuration":
        return json(res, 200, {
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          userinfo_endpoint: `${url}/userinfo`,
          jwks_uri: `${url}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          scopes_supported: ["openid", "email", "profile"],
        });
      case "/jwks":
        return json(res, 200, { keys: [jwk] });
      case "/authorize": {
        const q = requestUrl.searchParams;
        const redirectUri = q.get("redirect_uri");
        if (q.get("client_id") !== clientId || !redirectUri || q.get("response_type") !== "code") {
          return json(res, 400, { error: "invalid_request" });
        }
        if (!next) return json(res, 400, { error: "no user chosen for this login" });
        const code = randomBytes(16).toString("hex");
        codes.set(code, {
          user: next,
          clientId,
          redirectUri,
          nonce: q.get("nonce") ?? undefined,
          challenge: q.get("code_challenge") ?? undefined,
          challengeMethod: q.get("code_challenge_method") ?? undefined,
        });
        next = undefined;
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        const state = q.get("state");
        if (state !== null) back.searchParams.set("state", state);
        res.writeHead(302, { location: back.toString() });
        return void res.end();
      }
      case "/token": {
        if (req.method !== "POST") return json(res, 405, { error: "invalid_request" });
        const form = await formBody(req);
        const [id, secret] = clientCredentials(req, form);
        if (id !== clientId || secret !== clientSecret) {
          return json(res, 401, { error: "invalid_client" });
        }
        const code = form.get("code") ?? "";
        const pending = codes.get(code);
        codes.delete(code);
        if (
          form.get("grant_type") !== "authorization_code" ||
          !pending ||
          pending.redirectUri !== form.get("redirect_uri")
        ) {
          return json(res, 400, { error: "invalid_grant" });
        }
        if (pending.challenge) {
          const verifier = form.get("code_verifier") ?? "";
          const expected =
            pending.challengeMethod === "S256"
              ? base64url(createHash("sha256").update(verifier).digest())
              : verifier;
          if (expected !== pending.challenge) return json(res, 400, { error: "invalid_grant" });
        }
        const now = Math.floor(Date.now() / 1000);
        const accessToken = randomBytes(16).toString("hex");
        accessTokens.set(accessToken, pending.user);
        const idToken = signJwt(privateKey, kid, {
          ...pending.user,
          iss: url,
          aud: clientId,
          iat: now,
          exp: now + 300,
          ...(pending.nonce ? { nonce: pending.nonce } : {}),
        });
        return json(res, 200, {
          access_token: accessToken,
          token_type: "Bearer",
          expires_in: 300,
          id_token: idToken,
          scope: "openid email profile",
        });
      }
      case "/userinfo": {
        const auth = req.headers.authorization ?? "";
        const user = auth.startsWith("Bearer ") ? accessTokens.get(auth.slice(7)) : undefined;
        if (!user) return json(res, 401, { error: "invalid_token" });
        return json(res, 200, user);
      }
      default:
        return json(res, 404, { error: "not_found" });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    clientSecret,
    nextLogin(user) {
      next = user;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
