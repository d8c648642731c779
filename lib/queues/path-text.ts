/**
 * A field path as people read it: `options.language`, and `["a.b"].c` for a
 * key that is not a plain name. Free of server code: the UI shows paths too.
 */
export function pathText(path: readonly string[]): string {
  return path
    .map((k, i) =>
      /^[A-Za-z_$][\w$-]*$/.test(k) ? `${i > 0 ? "." : ""}${k}` : `[${JSON.stringify(k)}]`,
    )
    .join("");
}
