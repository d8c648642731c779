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
