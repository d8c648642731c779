/**
 * The command-line flags every benchmark reads (`--scale 0.1`, `--only a,b`):
 * one parser, so that a bad value gets the same message in every benchmark.
 * A flag that is absent takes its default; a flag without a value, or with one
 * it does not accept, stops the run before anything starts.
 */
export interface Flag<T> {
  readonly name: string;
  read(args: readonly string[]): T;
}

type Values<S extends Record<string, Flag<unknown>>> = {
  [K in keyof S]: S[K] extends Flag<infer T> ? T : never;
};

function numberFlag(
  name: string,
  fallback: number,
  valid: (n: number) => boolean,
  expects: string,
): Flag<number> {
  return {
    name,
    read(args) {
      const raw = rawValue(args, name);
      const n = raw === undefined ? fallback : Number(raw);
      if (!valid(n)) throw new Error(`${name} expects ${expects}`);
      return n;
    },
  };
}

/** The value after `name`, or undefined when `name` is absent. */
function rawValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  // A bare flag at the end reads as NaN, which no number flag accepts.
  return args[i + 1] ?? "";
}

/** A share of the full run's sizes: 0 < F ≤ 1. */
export function scale(fallback = 1): Flag<number> {
  return numberFlag("--scale", fallback, (n) => n > 0 && n <= 1, "a number in (0, 1]");
}

/** A whole number of at least 1 (runs, rounds). */
export function count(name: string, fallback: number): Flag<number> {
  return numberFlag(name, fallback, (n) => Number.isInteger(n) && n >= 1, "a whole number ≥ 1");
}

/** A duration in seconds: positive, or with `allowZero`, at least 0. */
export function duration(name: string, fallback: number, allowZero = false): Flag<number> {
  return allowZero
    ? numberFlag(name, fallback, (n) => n >= 0, "seconds ≥ 0")
    : numberFlag(name, fallback, (n) => n > 0, "seconds > 0");
}

/** A comma-separated subset of `choices` (which scenarios to run); all of them by default. */
export function only<const C extends string>(choices: readonly C[]): Flag<C[]> {
  const name = "--only";
  return {
    name,
    read(args) {
      const raw = rawValue(args, name);
      const picked = raw === undefined ? [...choices] : raw.split(",");
      const unknown = picked.filter((id) => !(choices as readonly string[]).includes(id));
      if (unknown.length > 0) {
        const list = `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
        throw new Error(`${name} expects ${list} (got ${unknown.join(", ")})`);
      }
      return picked as C[];
    },
  };
}

/** One of `choices` (which variant to run); `fallback` by default. */
export function choice<const C extends string>(
  name: string,
  choices: readonly C[],
  fallback: C,
): Flag<C> {
  return {
    name,
    read(args) {
      const raw = rawValue(args, name) ?? fallback;
      if (!(choices as readonly string[]).includes(raw)) {
        throw new Error(`${name} expects one of ${choices.join(", ")} (got ${raw || "nothing"})`);
      }
      return raw as C;
    },
  };
}

/** Reads every flag of `spec` from `args`; flags not in `spec` are left to others. */
export function parseOptions<S extends Record<string, Flag<unknown>>>(
  args: readonly string[],
  spec: S,
): Values<S> {
  return Object.fromEntries(
    Object.entries(spec).map(([key, flag]) => [key, flag.read(args)]),
  ) as Values<S>;
}
