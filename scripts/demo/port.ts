import { createServer } from "node:net";

/** Whether nothing listens on `port` (on any interface, as `next start` binds). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

export class PortError extends Error {}

/**
 * The dashboard's port: PORT if set (an error if it is taken: the user asked
 * for that one), else 3000, else the next free one up to 3020 (said in `note`).
 */
export async function choosePort(env = process.env): Promise<{ port: number; note?: string }> {
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new PortError(`PORT=${env.PORT} is not a port number`);
    }
    if (await portFree(port)) return { port };
    throw new PortError(
      `Port ${port} (from PORT) is already in use. Stop what listens there, or run with another PORT.`,
    );
  }
  if (await portFree(3000)) return { port: 3000 };
  for (let port = 3001; port <= 3020; port++) {
    if (await portFree(port)) return { port, note: `port 3000 is in use: using ${port} instead` };
  }
  throw new PortError("Ports 3000 to 3020 are all in use: set PORT to a free port.");
}
