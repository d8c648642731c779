import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import {
  makeCertificates,
  tlsEnv as envFor,
  tlsServerArgs,
  type TlsFiles,
} from "@/scripts/tls-certs";

/**
 * A redis-server that also listens with TLS and asks clients for a
 * certificate, with a certificate authority, server and client certificates
 * made by openssl at test time (nothing committed, nothing that expires in CI).
 */
export interface TlsRedis {
  /** Plain TCP, for the test's own set-up and checks. */
  server: EmbeddedRedis;
  /** rediss:// to the TLS port, by IP address (the server certificate names 127.0.0.1). */
  tlsUrl: string;
  files: TlsFiles;
}

export async function startTlsRedis(): Promise<TlsRedis> {
  const { dir, files } = makeCertificates();
  const tlsPort = await freePort();
  const server = await startEmbeddedRedis("redis-server", tlsServerArgs(dir, files, tlsPort));
  return { server, tlsUrl: `rediss://127.0.0.1:${tlsPort}`, files };
}

/** The environment that points Redrive at the TLS port with the test's certificates. */
export function tlsEnv(t: TlsRedis): Record<string, string> {
  return envFor(t.tlsUrl, t.files);
}
