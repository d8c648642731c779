import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server on a loopback port standing in for Slack, Teams or a
 * team's own receiver: it records every post, and answers with the statuses
 * it is given (the last one repeats), or never answers (a hung receiver).
 */
export interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  json: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Statuses for the next posts, in order; 0 means hold the request open unanswered. */
  answer(...statuses: number[]): void;
  /** Answers every request held so far with `status`. */
  release(status: number): void;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  let statuses = [200];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      received.push({
        headers: req.headers,
        body,
        json: JSON.parse(body) as Record<string, unknown>,
      });
      if (status === 0) held.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer: (...next) => (statuses = next),
    release: (status) => {
      for (const res of held.splice(0)) res.writeHead(status).end();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
