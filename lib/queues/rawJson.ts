/**
 * Byte-preserving edits of a JSON object's top-level members.
 *
 * Messages come from producers we do not control (the Python backend
 * among them). JSON.parse + JSON.stringify would reorder nothing but would
 * rewrite unicode escapes, whitespace and integers beyond 2^53, so Redrive edits
 * the bytes: it finds the span of each top-level member and splices.
 */

export interface Member {
  /** The decoded key. */
  key: string;
  /** Offset of the key's opening quote. */
  start: number;
  /** Offsets of the value's first byte and one past its last. */
  valueStart: number;
  valueEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

class Malformed extends Error {}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, i: number): number {
  while (isSpace(buf[i])) i++;
  return i;
}

/**
 * Returns the offset just past the string starting at buf[i] (a quote). A plain
 * loop: most strings are short, and Buffer#indexOf costs more per call than it
 * saves on them.
 */
function skipString(buf: Buffer, i: number): number {
  const end = buf.length;
  for (i++; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH) i++;
    else if (b < 0x20) throw new Malformed();
  }
  throw new Malformed();
}

/** true, false and null, by first byte (a Buffer#compare call costs more than the word). */
const LITERALS = new Map(["true", "false", "null"].map((w) => [w.charCodeAt(0), Buffer.from(w)]));

/** Offset past the literal at buf[i]; throws unless all of its bytes are there. */
function skipLiteral(buf: Buffer, i: number, word: Buffer): number {
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) throw new Malformed();
  return i + word.length;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** Skips digits; throws unless there is at least one. */
function skipDigits(buf: Buffer, i: number): number {
  if (!isDigit(buf[i])) throw new Malformed();
  while (isDigit(buf[i])) i++;
  return i;
}

/** A number (RFC 8259 grammar) or true/false/null, scanned byte by byte: no strings made. */
function skipScalar(buf: Buffer, i: number): number {
  const word = LITERALS.get(buf[i]!);
  if (word) return skipLiteral(buf, i, word);
  if (buf[i] === 0x2d) i++; // -
  if (buf[i] === 0x30)
    i++; // a leading 0 stands alone
  else i = skipDigits(buf, i);
  if (buf[i] === 0x2e) i = skipDigits(buf, i + 1); // .
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    i++; // e E
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    i = skipDigits(buf, i);
  }
  return i;
}

/**
 * Containers nested deeper than this make the bytes "not a JSON object
 * Redrive edits" (shown and requeued as they are). The scan recurses, and a
 * 10 KB entry of brackets would otherwise overflow the stack; Python's own
 * json module refuses about 1 000 levels.
 */
export const MAX_JSON_DEPTH = 512;

/** Returns the offset just past the JSON value starting at buf[i], `depth` containers deep. */
function skipValue(buf: Buffer, i: number, depth = 0): number {
  const b = buf[i];
  if (b === QUOTE) return skipString(buf, i);
  if (b === OPEN_BRACE || b === OPEN_BRACKET) return skipContainer(buf, i, depth + 1);
  return skipScalar(buf, i);
}

function skipContainer(buf: Buffer, i: number, depth: number): number {
  if (depth > MAX_JSON_DEPTH) throw new Malformed();
  const isObject = buf[i] === OPEN_BRACE;
  const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
  i = skipSpace(buf, i + 1);
  if (buf[i] === close) return i + 1;
  for (;;) {
    if (isObject) {
      if (buf[i] !== QUOTE) throw new Malformed();
      i = skipSpace(buf, skipString(buf, i));
      if (buf[i] !== COLON) throw new Malformed();
      i = skipSpace(buf, i + 1);
    }
    i = skipSpace(buf, skipValue(buf, i, depth));
    if (buf[i] === close) return i + 1;
    if (buf[i] !== COMMA) throw new Malformed();
    i = skipSpace(buf, i + 1);
  }
}

/**
 * A key's text. Keys are short and mostly plain ASCII: those are built in
 * JavaScript (a Buffer#toString call costs more than the whole key); the rest
 * are decoded, and JSON.parse handles their escapes exactly.
 */
function decodeKey(buf: Buffer, start: number, end: number): string {
  if (end - start <= 34) {
    let key = "";
    for (let i = start + 1; i < end - 1; i++) {
      const b = buf[i]!;
      if (b >= 0x80 || b === BACKSLASH) return decodeKeySlow(buf, start, end);
      key += String.fromCharCode(b);
    }
    return key;
  }
  return decodeKeySlow(buf, start, end);
}

function decodeKeySlow(buf: Buffer, start: number, end: number): string {
  const text = buf.toString("utf8", start, end);
  // Most keys have no escapes; JSON.parse handles the rest exactly.
  return text.includes("\\") ? (JSON.parse(text) as string) : text.slice(1, -1);
}

export interface ParsedObject {
  members: Member[];
  /** Offset of the closing brace. */
  close: number;
}

/**
 * The top-level members of a JSON object, or null when the bytes are not one
 * well-formed JSON object (a string, an array, truncated or foreign data).
 */
export function parseTopLevel(buf: Buffer): ParsedObject | null {
  try {
    let i = skipSpace(buf, 0);
    if (buf[i] !== OPEN_BRACE) return null;
    const members: Member[] = [];
    i = skipSpace(buf, i + 1);
    if (buf[i] === CLOSE_BRACE) return trailingSpaceOnly(buf, i, members);
    for (;;) {
      if (buf[i] !== QUOTE) return null;
      const start = i;
      const keyEnd = skipString(buf, i);
      i = skipSpace(buf, keyEnd);
      if (buf[i] !== COLON) return null;
      const valueStart = skipSpace(buf, i + 1);
      const valueEnd = skipValue(buf, valueStart);
      members.push({ key: decodeKey(buf, start, keyEnd), start, valueStart, valueEnd });
      i = skipSpace(buf, valueEnd);
      if (buf[i] === CLOSE_BRACE) return trailingSpaceOnly(buf, i, members);
      if (buf[i] !== COMMA) return null;
      i = skipSpace(buf, i + 1);
    }
  } catch (e) {
    if (e instanceof Malformed || e instanceof SyntaxError) return null;
    throw e;
  }
}

function trailingSpaceOnly(buf: Buffer, close: number, members: Member[]): ParsedObject | null {
  return skipSpace(buf, close + 1) === buf.length ? { members, close } : null;
}

/** The last member with that key (JSON.parse's rule for duplicate keys). */
export function findMember(obj: ParsedObject, key: string): Member | undefined {
  for (let i = obj.members.length - 1; i >= 0; i--) {
    if (obj.members[i]!.key === key) return obj.members[i];
  }
  return undefined;
}

/** The raw text of a top-level value, e.g. `"abc"` or `12345678901234567890`. */
export function rawValue(buf: Buffer, member: Member): string {
  return buf.toString("utf8", member.valueStart, member.valueEnd);
}

export type FieldEdits = Record<string, string | undefined>;

/**
 * Sets (value = JSON text) or removes (value = undefined) top-level members.
 * Existing members are edited in place, keeping order; new ones are appended.
 * Everything not named keeps its exact bytes. Returns null for non-objects.
 */
export function editFields(
  buf: Buffer,
  edits: FieldEdits,
  obj: ParsedObject | null = parseTopLevel(buf),
): Buffer | null {
  if (!obj) return null;
  const pieces: Piece[] = [];
  let cursor = 0;
  const seen = new Set<string>();
  let kept = 0;
  const { members } = obj;
  for (let idx = 0; idx < members.length; idx++) {
    const m = members[idx]!;
    if (!Object.hasOwn(edits, m.key)) {
      kept++;
      continue;
    }
    const value = edits[m.key];
    if (value !== undefined && !seen.has(m.key)) {
      seen.add(m.key);
      kept++;
      pieces.push(cursor, m.valueStart, value);
      cursor = m.valueEnd;
      continue;
    }
    // Removal (or a repeated key being set): cut the member and one adjacent comma.
    const next = members[idx + 1];
    pieces.push(cursor, kept === 0 ? m.start : commaBefore(buf, m.start));
    cursor = kept === 0 && next ? next.start : m.valueEnd;
  }
  const appended: string[] = [];
  for (const k in edits) {
    const v = edits[k];
    if (v !== undefined && !seen.has(k)) appended.push(`${JSON.stringify(k)}:${v}`);
  }
  if (appended.length === 0) {
    pieces.push(cursor, buf.length);
  } else {
    pieces.push(
      cursor,
      obj.close,
      (kept > 0 ? "," : "") + appended.join(","),
      obj.close,
      buf.length,
    );
  }
  return splice(buf, pieces);
}

/** A run of `pieces`: two numbers are a range of the source to keep, a string is ASCII/UTF-8 text to insert. */
type Piece = number | string;

/**
 * The bytes `pieces` describe, copied once into a buffer of the right size
 * (subarrays and Buffer.concat cost more than the copying on entries of a few
 * hundred bytes).
 */
function splice(buf: Buffer, pieces: Piece[]): Buffer {
  let size = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (typeof p === "string") size += Buffer.byteLength(p);
    else size += (pieces[++i] as number) - p;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (typeof p === "string") at += out.write(p, at);
    else at = copyRange(buf, p, pieces[++i] as number, out, at);
  }
  return out;
}

/** Copies buf[from, to) to out at `at`; short runs in JavaScript, where a native call costs more. */
function copyRange(buf: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from > 256) return at + buf.copy(out, at, from, to);
  for (let i = from; i < to; i++) out[at++] = buf[i]!;
  return at;
}

function commaBefore(buf: Buffer, start: number): number {
  let i = start - 1;
  while (i > 0 && buf[i] !== COMMA) i--;
  return i;
}

/**
 * The top-level members found in the first bytes of a JSON object whose rest
 * was not read (a large entry's head): every member that ends, followed by `,`
 * or `}`, within `head`. Null when `head` does not start a JSON object. A
 * member cut by the end of `head` is left out, as is everything after a byte
 * that breaks the grammar (whether the whole entry is valid JSON cannot be
 * told from its head).
 */
export function parseTopLevelPrefix(head: Buffer): Member[] | null {
  let i = skipSpace(head, 0);
  if (head[i] !== OPEN_BRACE) return null;
  const members: Member[] = [];
  try {
    i = skipSpace(head, i + 1);
    while (head[i] === QUOTE) {
      const start = i;
      const keyEnd = skipString(head, i);
      i = skipSpace(head, keyEnd);
      if (head[i] !== COLON) break;
      const valueStart = skipSpace(head, i + 1);
      const valueEnd = skipValue(head, valueStart);
      i = skipSpace(head, valueEnd);
      // A number or literal that reaches the end of the head may go on past it.
      if (head[i] !== COMMA && head[i] !== CLOSE_BRACE) break;
      members.push({ key: decodeKey(head, start, keyEnd), start, valueStart, valueEnd });
      if (head[i] === CLOSE_BRACE) break;
      i = skipSpace(head, i + 1);
    }
  } catch (e) {
    // RangeError: a literal compared past the end of the head.
    if (!(e instanceof Malformed || e instanceof SyntaxError || e instanceof RangeError)) throw e;
  }
  return members;
}
