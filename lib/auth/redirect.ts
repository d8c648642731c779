/**
 * Where a login may send the browser afterwards: a path on this site, decided
 * by parsing the value as a URL the way the browser will (backslashes, tabs
 * and dot segments included), never by looking at its first characters.
 * Anything else goes to the overview.
 */
const BASE = "http://redrive.invalid";

export function safeCallbackPath(value: string | null | undefined): string {
  if (!value) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  // "/.//evil.example" parses to the path "//evil.example", which a browser reads as a host.
  const path = `/${url.pathname.replace(/^[/\\]+/, "")}`;
  return `${path}${url.search}${url.hash}`;
}
