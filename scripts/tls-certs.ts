import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A certificate authority, a server certificate for 127.0.0.1 and a client
 * certificate, made by openssl in a temporary directory (nothing committed,
 * nothing that expires in CI): for the TLS tests and `BENCH_REDIS_TLS=1`.
 */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
  /** A CA that signed nothing here: a server certificate never chains to it. */
  otherCa: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

function authority(dir: string, name: string): void {
  openssl(
    dir,
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"].concat([
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-subj",
      `/CN=${name}`,
    ]),
  );
}

/** A key and a certificate for `name`, signed by ca.crt; `san` is its subjectAltName. */
function signed(dir: string, name: string, san: string): void {
  openssl(
    dir,
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`].concat([
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]),
  );
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(
    dir,
    ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    ]),
  );
}

export function makeCertificates(): { dir: string; files: TlsFiles } {
  const dir = mkdtempSync(join(tmpdir(), "redrive-tls-"));
  authority(dir, "ca");
  authority(dir, "other-ca");
  signed(dir, "server", "IP:127.0.0.1,DNS:localhost");
  signed(dir, "client", "DNS:redrive-client");
  const files = {
    ca: join(dir, "ca.crt"),
    cert: join(dir, "client.crt"),
    key: join(dir, "client.key"),
    otherCa: join(dir, "other-ca.crt"),
  };
  return { dir, files };
}

/** redis-server's arguments for a TLS port that asks every client for a certificate. */
export function tlsServerArgs(dir: string, files: TlsFiles, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    join(dir, "server.crt"),
    "--tls-key-file",
    join(dir, "server.key"),
    "--tls-ca-cert-file",
    files.ca,
    "--tls-auth-clients",
    "yes",
  ];
}

/** The environment that points Redrive at a TLS port with these certificates. */
export function tlsEnv(tlsUrl: string, files: TlsFiles): Record<string, string> {
  return {
    REDIS_URL: tlsUrl,
    REDIS_TLS_CA_FILE: files.ca,
    REDIS_TLS_CERT_FILE: files.cert,
    REDIS_TLS_KEY_FILE: files.key,
  };
}
