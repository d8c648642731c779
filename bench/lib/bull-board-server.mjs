// bull-board (@bull-board/express + @bull-board/api's BullMQAdapter) over BullMQ
// queues, served by express in a process of its own so that the load generator
// in the benchmark's process never shares an event loop with it. Plain JS: the
// peers are loaded from bench/peers at run time, as everywhere in bench/.
//
// Environment: BULL_BOARD_REDIS_HOST, BULL_BOARD_REDIS_PORT, BULL_BOARD_QUEUES
// (comma-separated). Mounts two boards: /all/ with every queue and /one/ with
// the first queue only. Prints one JSON line `{"port":N}` once it listens.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PEERS_DIR = fileURLToPath(new URL("../peers", import.meta.url));
const peer = createRequire(join(PEERS_DIR, "package.json"));

const express = peer("express");
const { Queue } = peer("bullmq");
const { createBullBoard } = peer("@bull-board/api");
const { BullMQAdapter } = peer("@bull-board/api/bullMQAdapter");
const { ExpressAdapter } = peer("@bull-board/express");

// createBullBoard looks for @bull-board/ui next to @bull-board/api; npm may have
// nested it under @bull-board/express (their versions differ), so say where it is.
const expressAdapterRequire = createRequire(peer.resolve("@bull-board/express"));
const uiBasePath = dirname(expressAdapterRequire.resolve("@bull-board/ui/package.json"));

const connection = {
  host: process.env.BULL_BOARD_REDIS_HOST ?? "127.0.0.1",
  port: Number(process.env.BULL_BOARD_REDIS_PORT),
  maxRetriesPerRequest: null,
};
const names = (process.env.BULL_BOARD_QUEUES ?? "document").split(",").filter(Boolean);
const queues = names.map((name) => new Queue(name, { connection }));
await Promise.all(queues.map((q) => q.waitUntilReady()));

const app = express();
function mount(basePath, boardQueues) {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: boardQueues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiBasePath },
  });
  app.use(basePath, serverAdapter.getRouter());
}
mount("/all", queues);
mount("/one", queues.slice(0, 1));

const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

async function shutdown() {
  server.closeAllConnections?.();
  server.close();
  await Promise.all(queues.map((q) => q.close()));
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
