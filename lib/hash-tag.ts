/**
 * A key's Redis Cluster hash tag: the text between the first "{" and the
 * first "}" after it, when not empty; null otherwise (Redis then hashes the
 * whole key).
 */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf("{");
  if (open < 0) return null;
  const close = key.indexOf("}", open + 1);
  if (close <= open + 1) return null;
  return key.slice(open + 1, close);
}
