import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

const app = useApp();

/** Reads one HTTP/1.1 response (Content-Length framed) from a raw socket: its status line and body. */
function readResponse(socket: Socket): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = data.subarray(0, end).toString("latin1");
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (data.length < end + 4 + length) return;
      socket.off("data", onData);
      const body = data.subarray(end + 4, end + 4 + length).toString();
      resolve({ status: head.split("\r\n", 1)[0]!, body });
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("the server closed the connection")));
  });
}

/** Writes all of `body` in 64 KB pieces, each after the one before has drained; fails if the server closes first. */
async function writeAll(socket: Socket, body: Buffer): Promise<void> {
  for (let at = 0; at < body.length; at += 64 * 1024) {
    if (socket.write(body.subarray(at, at + 64 * 1024))) continue;
    await new Promise<void>((resolve, reject) => {
      const closed = () => reject(new Error("the server closed the connection mid-body"));
      socket.once("close", closed);
      socket.once("drain", () => {
        socket.off("close", closed);
        resolve();
      });
    });
  }
}

/**
 * Sends a whole body to `path` on a raw socket and returns the answer; then checks that
 * the connection still answers a second request (the refused body was read and dropped).
 */
async function sendWhole(path: string, cookie: string, body: Buffer) {
  const { hostname, port } = new URL(app.url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  try {
    const answer = readResponse(socket);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        `Cookie: ${cookie}\r\nOrigin: ${app.url}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    await writeAll(socket, body);
    const refused = await answer;
    const next = readResponse(socket);
    socket.write(`GET /api/health HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
    return { refused, nextStatus: (await next).status };
  } finally {
    socket.destroy();
  }
}

const bigBody = () =>
  Buffer.from(JSON.stringify({ messages: [{ identity: "x".repeat(1_100_000) }] }));

describe("a refused request with a body", () => {
  // Refused before it is read: were the connection closed at once, the client,
  // still sending, would get a reset instead of the answer (it used to, now and then).
  it("should answer 413 to a client that sends the whole body and keep the connection open", async () => {
    const cookie = await app.login("admin");
    const { refused, nextStatus } = await sendWhole(
      "/api/admin/dlq/document/requeue",
      cookie,
      bigBody(),
    );
    expect(refused.status).toBe("HTTP/1.1 413 Payload Too Large");
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "TOO_LARGE" } });
    expect(nextStatus).toMatch(/^HTTP\/1\.1 (200|503) /);
  });

  it("should answer 400 to a client that sends a whole body to a dot-segment path and keep the connection open", async () => {
    const { refused, nextStatus } = await sendWhole("/api/admin/review/%2e%2e", "", bigBody());
    expect(refused.status).toBe("HTTP/1.1 400 Bad Request");
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "INVALID_PATH" } });
    expect(nextStatus).toMatch(/^HTTP\/1\.1 (200|503) /);
  });
});
