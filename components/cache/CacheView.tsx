"use client";

/** The cache page (placeholder until the cache page lands). */
export function CacheView() {
  return <h1 className="text-xl font-semibold">Cache</h1>;
}
