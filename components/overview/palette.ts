/** One colour per queue, readable on white and on zinc-950 (the same order everywhere). */
const PALETTE = [
  "#2563eb",
  "#d97706",
  "#059669",
  "#db2777",
  "#7c3aed",
  "#0891b2",
  "#65a30d",
  "#dc2626",
];

export function queueColor(queues: string[], queue: string): string {
  return PALETTE[Math.max(0, queues.indexOf(queue)) % PALETTE.length]!;
}

/** The palette's `i`th colour: distinct for the few series a chart of many queues draws. */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
