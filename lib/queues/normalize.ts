/**
 * Error-message normalisation for error groups, as one left-to-right scan.
 *
 * DLQ entries are written by other producers, so a message is untrusted text:
 * the former regular expressions (the hex one above all) backtracked
 * polynomially and a 2 000-character message froze the server for seconds.
 * This scanner looks at each character a bounded number of times, and gives
 * the same result as those expressions did, applied one after the other, so
 * that group ids stay the same across the change:
 *
 *   URL   /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi                     → <url>
 *   path  /(?:~|\.{1,2})?(?:\/[\w.@-]+){2,}\/?/g                → <path>
 *   UUID  /\b[0-9a-f]{8}-[0-9a-f]{4}-…-[0-9a-f]{12}\b/gi        → <uuid>
 *   hex   a whole word of hex digits with a digit and a letter a-f, optional 0x → <hex>
 *   n     /\d+(?:\.\d+)?/g                                      → <n>
 *
 * then whitespace runs become one space, the ends are trimmed and the result
 * is cut to 300 characters. A rule's "\b" is between a word character
 * [A-Za-z0-9_] and anything else; the replacement tokens start with "<" and
 * end with ">", so an earlier replacement never turns a later rule's boundary
 * around, which is what lets one pass with lookahead reproduce the sequence.
 */

/** Only the head of a message is looked at: enough to tell failures apart. */
export const NORMALIZE_INPUT_MAX = 2000;
export const NORMALIZE_OUTPUT_MAX = 300;

const SLASH = 0x2f;
const COLON = 0x3a;
const DOT = 0x2e;
const TILDE = 0x7e;
const DASH = 0x2d;
const ZERO = 0x30;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** ASCII only, either case: the old rules had the i flag without u. */
function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

function isHex(c: number): boolean {
  const l = c | 0x20;
  return isDigit(c) || (l >= 0x61 && l <= 0x66);
}

function isWord(c: number): boolean {
  return isDigit(c) || isLetter(c) || c === 0x5f;
}

/** [a-z0-9+.-] */
function isSchemeChar(c: number): boolean {
  return isDigit(c) || isLetter(c) || c === 0x2b || c === DOT || c === DASH;
}

/** [\w.@-] */
function isSegmentChar(c: number): boolean {
  return isWord(c) || c === DOT || c === 0x40 || c === DASH;
}

/** JavaScript's \s (and what String#trim removes). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const UUID_GROUPS = [8, 4, 4, 4, 12];

class Scanner {
  private readonly n: number;
  /** schemeEnd[j]: where the run of scheme characters starting at j ends (j when there is none). */
  private readonly schemeEnd: Int32Array;

  constructor(private readonly s: string) {
    this.n = s.length;
    this.schemeEnd = new Int32Array(this.n + 1);
    this.schemeEnd[this.n] = this.n;
    for (let j = this.n - 1; j >= 0; j--)
      this.schemeEnd[j] = isSchemeChar(this.at(j)) ? this.schemeEnd[j + 1]! : j;
  }

  /** The code unit at j, -1 past the end (no class contains -1). */
  at(j: number): number {
    return j < this.n ? this.s.charCodeAt(j) : -1;
  }

  /** j starts a word: a word character not preceded by one. */
  wordStart(j: number): boolean {
    return isWord(this.at(j)) && (j === 0 || !isWord(this.at(j - 1)));
  }

  wordEnd(j: number): number {
    while (isWord(this.at(j))) j++;
    return j;
  }

  /**
   * A URL starts at j: a letter after a non-word character, scheme characters,
   * "://" and a non-space. Constant time thanks to schemeEnd; the first such j
   * of a scheme run is the one the leftmost-match rule took.
   */
  urlStarts(j: number): boolean {
    if (!isLetter(this.at(j)) || (j > 0 && isWord(this.at(j - 1)))) return false;
    const q = this.schemeEnd[j]!;
    return (
      this.at(q) === COLON &&
      this.at(q + 1) === SLASH &&
      this.at(q + 2) === SLASH &&
      q + 3 < this.n &&
      !isSpace(this.at(q + 3))
    );
  }

  /** End of the URL starting at j (urlStarts(j) holds): the next whitespace. */
  urlEnd(j: number): number {
    while (j < this.n && !isSpace(this.at(j))) j++;
    return j;
  }

  /**
   * End of a path whose first slash is at k: two or more "/segment" parts,
   * then one optional "/"; -1 when there are fewer parts. A URL inside ends
   * the path there, as the URL had been replaced before the path rule ran.
   */
  pathEnd(k: number): number {
    let e = k;
    let parts = 0;
    while (this.at(e) === SLASH) {
      let f = e + 1;
      while (isSegmentChar(this.at(f)) && !this.urlStarts(f)) f++;
      if (f === e + 1) break;
      parts++;
      e = f;
    }
    if (parts < 2) return -1;
    return this.at(e) === SLASH ? e + 1 : e;
  }

  /** End of a UUID starting at the word start i, or -1. */
  uuidEnd(i: number): number {
    let e = i;
    for (let g = 0; g < UUID_GROUPS.length; g++) {
      if (g > 0) {
        if (this.at(e) !== DASH) return -1;
        e++;
        if (this.urlStarts(e)) return -1;
      }
      for (let k = 0; k < UUID_GROUPS[g]!; k++, e++) if (!isHex(this.at(e))) return -1;
    }
    return isWord(this.at(e)) ? -1 : e;
  }

  /** The word [i, end) is hex digits (after an optional 0x) with at least one digit and one letter. */
  isHexWord(i: number, end: number): boolean {
    let j = i;
    if (this.at(i) === ZERO && (this.at(i + 1) | 0x20) === 0x78) j = i + 2;
    let digit = false;
    let letter = false;
    for (; j < end; j++) {
      const c = this.at(j);
      if (isDigit(c)) digit = true;
      else if (isHex(c)) letter = true;
      else return false;
    }
    return digit && letter;
  }

  /** The word starting at i becomes <uuid> or <hex>: then a number may not take it as its decimals. */
  wordIsToken(i: number): boolean {
    return this.uuidEnd(i) >= 0 || this.isHexWord(i, this.wordEnd(i));
  }

  /** End of the number starting with the digit at i: digits, then "." and digits. */
  numberEnd(i: number): number {
    let e = i;
    while (isDigit(this.at(e))) e++;
    if (this.at(e) === DOT && isDigit(this.at(e + 1)) && !this.wordIsToken(e + 1)) {
      e++;
      while (isDigit(this.at(e))) e++;
    }
    return e;
  }

  /** A path starting at i (its optional ~, . or .. prefix included): its end, or -1. */
  pathAt(i: number): number {
    const c = this.at(i);
    if (c === SLASH) return this.pathEnd(i);
    if (c === TILDE) return this.at(i + 1) === SLASH ? this.pathEnd(i + 1) : -1;
    if (c !== DOT) return -1;
    // The prefix is \.{1,2}, greedy: ".." when there are two dots, never backing off to one.
    if (this.at(i + 1) === DOT) return this.at(i + 2) === SLASH ? this.pathEnd(i + 2) : -1;
    return this.at(i + 1) === SLASH ? this.pathEnd(i + 1) : -1;
  }

  /** The variable part starting at i, as its placeholder and its end; null for a plain character. */
  tokenAt(i: number): [string, number] | null {
    if (this.urlStarts(i)) return ["<url>", this.urlEnd(i)];
    const path = this.pathAt(i);
    if (path >= 0) return ["<path>", path];
    if (this.wordStart(i)) {
      const uuid = this.uuidEnd(i);
      if (uuid >= 0) return ["<uuid>", uuid];
      const end = this.wordEnd(i);
      if (this.isHexWord(i, end)) return ["<hex>", end];
    }
    if (isDigit(this.at(i))) return ["<n>", this.numberEnd(i)];
    return null;
  }

  run(): string {
    let out = "";
    let space = false;
    let i = 0;
    // Past the limit nothing more can change the kept head: out never ends with a space.
    while (i < this.n && out.length <= NORMALIZE_OUTPUT_MAX) {
      if (isSpace(this.at(i))) {
        space = true;
        i++;
        continue;
      }
      const token = this.tokenAt(i);
      if (space && out.length > 0) out += " ";
      space = false;
      out += token ? token[0] : this.s[i]!;
      i = token ? token[1] : i + 1;
    }
    return out.slice(0, NORMALIZE_OUTPUT_MAX);
  }
}

/**
 * The message with variable parts (URLs, paths, UUIDs, hex ids, numbers)
 * replaced, so that alike failures group together. Linear in the message's
 * head, whatever it holds.
 */
export function normalizeError(message: string): string {
  return new Scanner(message.slice(0, NORMALIZE_INPUT_MAX)).run();
}
