import type { ErrorGroup } from "./types";

/** An error group's identity: its id, error type and normalised message. */
export interface GroupKind {
  id: string;
  errorType: string;
  pattern: string;
}

/** What is kept of one entry read (see EntryFacts). */
export interface EntryFact {
  kind: GroupKind;
  message: string;
  /** Failure time, epoch seconds; null when the entry has none. */
  at: number | null;
  retries: number;
  /** Size in bytes and sha1 (hex) of the whole entry; the sha1 only when hashes are kept. */
  bytes: number;
  sha1?: string;
}

/** Bytes of an entry's sha1 kept (64 bits: a chance collision is not a concern for this use). */
export const HASH_BYTES = 8;
/** The same as hex digits, as dlqSignature-1.lua returns them. */
export const HASH_HEX = HASH_BYTES * 2;

/** The longest example message a group shows. */
const EXAMPLE_CHARS = 500;

/**
 * What the error groups need of a run of DLQ entries (positions 0…length-1
 * from where they were read), without the entries: a few dozen bytes each,
 * so that the insights can keep a queue's window of 1 000 entries and, when
 * new entries come in at the head, add theirs in front instead of reading the
 * window again (lib/metrics/insights-window.ts). Each entry's group is an
 * index into `table`, so that grouping is arithmetic on arrays rather than a
 * map lookup an entry. Messages are kept only for entries first (newest) in
 * their group, the group's example: an entry joining at the head is either
 * first in its group or behind such an entry.
 */
export class EntryFacts {
  private constructor(
    /** The groups these entries fall in (some perhaps no longer by any). */
    readonly table: GroupKind[],
    /** Each entry's group: an index into `table`. */
    readonly kind: Uint32Array,
    readonly examples: Map<number, string>,
    readonly at: Float64Array,
    readonly retries: Float64Array,
    readonly bytes: Float64Array,
    /** HASH_BYTES per entry, or null when not kept. */
    readonly hashes: Buffer | null,
  ) {}

  get length(): number {
    return this.kind.length;
  }

  static of(facts: EntryFact[], keepHashes: boolean): EntryFacts {
    const n = facts.length;
    const out = new EntryFacts(
      [],
      new Uint32Array(n),
      new Map(),
      new Float64Array(n),
      new Float64Array(n),
      new Float64Array(n),
      keepHashes ? Buffer.alloc(n * HASH_BYTES) : null,
    );
    const index = new Map<string, number>();
    facts.forEach((f, i) => {
      let k = index.get(f.kind.id);
      if (k === undefined) {
        index.set(f.kind.id, (k = out.table.push(f.kind) - 1));
        out.examples.set(i, f.message.slice(0, EXAMPLE_CHARS));
      }
      out.kind[i] = k;
      out.at[i] = f.at ?? NaN;
      out.retries[i] = f.retries;
      out.bytes[i] = f.bytes;
      if (out.hashes) out.hashes.write(f.sha1!.slice(0, HASH_HEX), i * HASH_BYTES, "hex");
    });
    return out;
  }

  /** These entries followed by `rest`'s first `restCount` (hashes kept only when both keep them). */
  concat(rest: EntryFacts, restCount: number = rest.length): EntryFacts {
    const n = this.length;
    const { table, translate } = this.joinTables(rest);
    const kind = new Uint32Array(n + restCount);
    kind.set(this.kind);
    for (let i = 0; i < restCount; i++) kind[n + i] = translate[rest.kind[i]!]!;
    const join = (a: Float64Array, b: Float64Array) => {
      const out = new Float64Array(n + restCount);
      out.set(a);
      out.set(b.subarray(0, restCount), n);
      return out;
    };
    const examples = new Map(this.examples);
    for (const [i, text] of rest.examples) if (i < restCount) examples.set(n + i, text);
    const hashes =
      this.hashes && rest.hashes
        ? Buffer.concat([this.hashes, rest.hashes.subarray(0, restCount * HASH_BYTES)])
        : null;
    const { at, retries, bytes } = rest;
    return new EntryFacts(
      table,
      kind,
      examples,
      join(this.at, at),
      join(this.retries, retries),
      join(this.bytes, bytes),
      hashes,
    );
  }

  /** This table followed by the groups of `rest` it lacks, and where each of rest's went. */
  private joinTables(rest: EntryFacts): { table: GroupKind[]; translate: Uint32Array } {
    const table = [...this.table];
    const index = new Map(table.map((g, k) => [g.id, k]));
    const translate = new Uint32Array(rest.table.length);
    rest.table.forEach((g, k) => {
      let at = index.get(g.id);
      if (at === undefined) index.set(g.id, (at = table.push(g) - 1));
      translate[k] = at;
    });
    return { table, translate };
  }

  /** The kept part of entry i's sha1, as hex (HASH_HEX digits). */
  hashAt(i: number): string | null {
    if (!this.hashes || i < 0 || i >= this.length) return null;
    return this.hashes.toString("hex", i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }

  /**
   * The error groups of these entries, largest first (ties in the order they
   * first appear from the head), and their retry count in total. Drops the
   * examples of entries no longer first in their group, so that what is kept
   * stays one message per group.
   */
  groups(): { groups: ErrorGroup[]; retries: number } {
    const k = this.table.length;
    const count = new Uint32Array(k);
    const first = new Int32Array(k).fill(-1);
    const oldest = new Float64Array(k).fill(Infinity);
    const newest = new Float64Array(k).fill(-Infinity);
    let retries = 0;
    for (let i = 0; i < this.length; i++) {
      const g = this.kind[i]!;
      if (count[g] === 0) first[g] = i;
      count[g] = count[g]! + 1;
      const at = this.at[i]!;
      // NaN (no failure time) leaves both as they are.
      if (at < oldest[g]!) oldest[g] = at;
      if (at > newest[g]!) newest[g] = at;
      retries += this.retries[i]!;
    }
    for (const i of this.examples.keys()) if (first[this.kind[i]!] !== i) this.examples.delete(i);
    const used = [...this.table.keys()].filter((g) => count[g]! > 0);
    used.sort((a, b) => count[b]! - count[a]! || first[a]! - first[b]!);
    const groups = used.map((g) => ({
      ...this.table[g]!,
      example: this.examples.get(first[g]!) ?? this.table[g]!.pattern,
      count: count[g]!,
      firstSeen: oldest[g] === Infinity ? null : oldest[g]!,
      lastSeen: newest[g] === -Infinity ? null : newest[g]!,
    }));
    return { groups, retries };
  }

  /** Of the entries from the head that failed after `since` (up to the first that did not), those in these groups. */
  inGroupsSince(since: number, ids: ReadonlySet<string>): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const at = this.at[i]!;
      if (!Number.isNaN(at) && at <= since) break;
      if (ids.has(this.table[this.kind[i]!]!.id)) n++;
    }
    return n;
  }

  /** How many entries from the head failed after `since` (or have no failure time), up to the first that did not. */
  newSince(since: number): number {
    for (let i = 0; i < this.length; i++) {
      const at = this.at[i]!;
      if (!Number.isNaN(at) && at <= since) return i;
    }
    return this.length;
  }
}
