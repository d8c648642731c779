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
 * window again (lib/metrics/insights-window.ts). Messages are kept only for
 * entries first (newest) in their group, the group's example: an entry joining
 * at the head is either first in its group or behind such an entry.
 */
export class EntryFacts {
  private constructor(
    readonly kinds: GroupKind[],
    readonly examples: Map<number, string>,
    readonly at: Float64Array,
    readonly retries: Float64Array,
    readonly bytes: Float64Array,
    /** HASH_BYTES per entry, or null when not kept. */
    readonly hashes: Buffer | null,
  ) {}

  get length(): number {
    return this.kinds.length;
  }

  static of(facts: EntryFact[], keepHashes: boolean): EntryFacts {
    const n = facts.length;
    const out = new EntryFacts(
      [],
      new Map(),
      new Float64Array(n),
      new Float64Array(n),
      new Float64Array(n),
      keepHashes ? Buffer.alloc(n * HASH_BYTES) : null,
    );
    const seen = new Set<string>();
    facts.forEach((f, i) => {
      out.kinds.push(f.kind);
      if (!seen.has(f.kind.id)) {
        seen.add(f.kind.id);
        out.examples.set(i, f.message.slice(0, EXAMPLE_CHARS));
      }
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
    return new EntryFacts(
      [...this.kinds, ...rest.kinds.slice(0, restCount)],
      examples,
      join(this.at, rest.at),
      join(this.retries, rest.retries),
      join(this.bytes, rest.bytes),
      hashes,
    );
  }

  static concatAll(parts: EntryFacts[], keepHashes: boolean): EntryFacts {
    return parts.reduce((a, b) => a.concat(b), EntryFacts.of([], keepHashes));
  }

  /** The kept part of entry i's sha1, as hex (HASH_HEX digits). */
  hashAt(i: number): string | null {
    if (!this.hashes || i < 0 || i >= this.length) return null;
    return this.hashes.toString("hex", i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }

  /**
   * The error groups of these entries, largest first, and their retry count
   * in total. Drops the examples of entries no longer first in their group,
   * so that what is kept stays one message per group.
   */
  groups(): { groups: ErrorGroup[]; retries: number } {
    const groups = new Map<string, ErrorGroup>();
    let retries = 0;
    for (let i = 0; i < this.length; i++) {
      const kind = this.kinds[i]!;
      let g = groups.get(kind.id);
      if (!g) {
        const example = this.examples.get(i) ?? kind.pattern;
        g = { ...kind, example, count: 0, firstSeen: null, lastSeen: null };
        groups.set(kind.id, g);
      } else this.examples.delete(i);
      g.count++;
      const at = this.at[i]!;
      if (!Number.isNaN(at)) {
        g.firstSeen = g.firstSeen === null ? at : Math.min(g.firstSeen, at);
        g.lastSeen = g.lastSeen === null ? at : Math.max(g.lastSeen, at);
      }
      retries += this.retries[i]!;
    }
    return { groups: [...groups.values()].sort((a, b) => b.count - a.count), retries };
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
