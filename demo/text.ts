import { pick, randomInt } from "./random";

/** Plausible text for cached values: summaries, snippets, search queries. */
const WORDS = (
  "revenue forecast quarter customer churn contract renewal pricing discount invoice payment " +
  "terms liability compliance audit security incident onboarding roadmap milestone delivery " +
  "vendor supplier shipment warehouse inventory margin growth region enterprise subscription " +
  "license support escalation outage latency capacity migration database analytics report"
).split(" ");

export function sentence(min = 8, max = 18): string {
  const words = Array.from({ length: randomInt(min, max) }, () => pick(WORDS));
  const text = words.join(" ");
  return text[0]!.toUpperCase() + text.slice(1) + ".";
}

export function paragraph(sentences: number): string {
  return Array.from({ length: sentences }, () => sentence()).join(" ");
}

/** The n-th of a fixed set of search queries (the same n, the same query, in every run). */
export function searchQuery(n: number): string {
  const a = WORDS[n % WORDS.length]!;
  const b = WORDS[Math.floor(n / WORDS.length) % WORDS.length]!;
  const c = ["", " 2026", " policy", " summary"][Math.floor(n / WORDS.length ** 2) % 4]!;
  return `${a} ${b}${c}`;
}
