import { performance } from "node:perf_hooks";

/**
 * Counts what a client sends during a phase: commands by name, and how many
 * were in flight at once (sent, reply not yet in). Any ioredis client (the
 * project's, or BullMQ's from bench/peers) sends every command, pipelined or
 * scripted, through its sendCommand; the tap wraps that method on the
 * instance and puts it back when stopped. It costs a few hundred nanoseconds
 * a command, on the measured system's side: taps stay off the timed phases
 * where that would matter (millions of commands a second), and a drain's are
 * a few thousand.
 */
export interface TapStats {
  commands: number;
  byName: Record<string, number>;
  /** Scripts run (EVALSHA and EVAL): the batches of a drain. */
  scripts: number;
  /** EVALSHA calls by the name the client defined the script under (its sha1 when unknown). */
  byScript: Record<string, number>;
  maxInFlight: number;
  /** Commands in flight, averaged over the tapped time. */
  meanInFlight: number;
}

interface Command {
  name: string;
  args: unknown[];
  promise: Promise<unknown>;
}

export interface Tappable {
  sendCommand(command: never, ...rest: never[]): unknown;
}

/** sha1 → name of the scripts an ioredis client defined (defineCommand keeps them in scriptsSet). */
export function scriptNames(client: Tappable): Map<string, string> {
  const set = (client as { scriptsSet?: Record<string, { sha?: string }> }).scriptsSet ?? {};
  return new Map(Object.entries(set).flatMap(([name, s]) => (s.sha ? [[s.sha, name]] : [])));
}

/** Taps `clients` until the returned function is called; it gives the counts. */
export function tap(clients: Tappable[]): () => TapStats {
  const byName: Record<string, number> = {};
  const byScript: Record<string, number> = {};
  let inFlight = 0;
  let maxInFlight = 0;
  let area = 0;
  let last = performance.now();
  const t0 = last;
  const change = (delta: number) => {
    const now = performance.now();
    area += inFlight * (now - last);
    last = now;
    inFlight += delta;
    maxInFlight = Math.max(maxInFlight, inFlight);
  };
  const undo = clients.map((client) => {
    const target = client as unknown as { sendCommand: (c: Command, ...r: unknown[]) => unknown };
    const own = Object.hasOwn(target, "sendCommand");
    const original = target.sendCommand;
    const names = scriptNames(client);
    target.sendCommand = function (command: Command, ...rest: unknown[]) {
      byName[command.name] = (byName[command.name] ?? 0) + 1;
      if (command.name === "evalsha") {
        const sha = String(command.args[0]);
        const name = names.get(sha) ?? sha;
        byScript[name] = (byScript[name] ?? 0) + 1;
      }
      change(1);
      const settled = () => change(-1);
      command.promise.then(settled, settled);
      return original.call(this, command, ...rest);
    };
    return () => {
      if (own) target.sendCommand = original;
      else delete (target as Partial<typeof target>).sendCommand;
    };
  });
  return () => {
    change(0);
    for (const u of undo) u();
    const commands = Object.values(byName).reduce((a, b) => a + b, 0);
    return {
      commands,
      byName,
      byScript,
      scripts: (byName.evalsha ?? 0) + (byName.eval ?? 0),
      maxInFlight,
      meanInFlight: last > t0 ? area / (last - t0) : 0,
    };
  };
}
