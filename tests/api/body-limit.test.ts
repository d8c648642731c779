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

describe("a body over the limit", () => {
  // Refused before it is read: were the connection closed at once, the client,
  // still sending, would get a reset instead of the 413 (it used to, now and then).
  it("should answer 413 to a client that sends the whole body and keep the connection open", async () => {
    const cookie = await app.login("admin");
    const { hostname, port } = new URL(app.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    try {
      const body = Buffer.from(JSON.stringify({ messages: [{ identity: "x".repeat(1_100_000) }] }));
      const answer = readResponse(socket);
      socket.write(
        `POST /api/admin/dlq/document/requeue HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          `Cookie: ${cookie}\r\nOrigin: ${app.url}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      await writeAll(socket, body);
      const refused = await answer;
      expect(refused.status).toBe("HTTP/1.1 413 Payload Too Large");
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "TOO_LARGE" } });
      // The rest of the body was read and dropped: the next request on it is answered.
      const next = readResponse(socket);
      socket.write(`GET /api/health HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
      expect((await next).status).toMatch(/^HTTP\/1\.1 (200|503) /);
    } finally {
      socket.destroy();
    }
  });
});
