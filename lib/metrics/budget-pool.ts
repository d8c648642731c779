import "server-only";
import { READ_LIMITS, ReadBudget } from "../queues/read";

/** An empty DLQ's part of what is left: 1/64 (see BudgetPool.take). */
const EMPTY_PARTS = 64;

/**
 * One request's byte budget (READ_LIMITS.requestReturnBytes and
 * requestReadBytes) dealt out to the queues it reads. One budget shared as
 * reads come let the first queues spend it and left the last ones nothing:
 * figures that look like an empty DLQ. Here each queue, when it starts, takes
 * an equal part of what is left for the non-empty queues not yet started, and
 * gives back what it did not spend: with n DLQs not empty, each gets at least
 * 1/n of the budget (less at most the small parts of the empty queues in
 * flight beside it), the queues that need less leave the rest to the later
 * ones (buildInsights starts the shortest DLQs first), and the request as a
 * whole stays within its budget (plus at most one entry per script call, as
 * any read). A queue whose part ran out says so: `scanned` below both its
 * `total` and BATCH (a count since the review is then `atLeast`).
 */
export class BudgetPool {
  private returnLeft: number = READ_LIMITS.requestReturnBytes;
  private readLeft: number = READ_LIMITS.requestReadBytes;

  constructor(private queuesLeft: number) {}

  /**
   * A queue's part. One whose DLQ was empty when its signature was read is not
   * counted among the queues left (it reads nothing and gives its part back),
   * and takes a small part only (1/EMPTY_PARTS of what is left), so that empty
   * queues in flight hold back little from the others; should entries have
   * come since, it reads them within that part.
   */
  take(empty: boolean): ReadBudget {
    const parts = empty ? Math.max(EMPTY_PARTS, this.queuesLeft) : Math.max(1, this.queuesLeft);
    const share = new ReadBudget(
      Math.floor(this.returnLeft / parts),
      Math.floor(this.readLeft / parts),
    );
    this.returnLeft -= share.returnMax;
    this.readLeft -= share.readMax;
    if (!empty) this.queuesLeft--;
    return share;
  }

  /** `n` more queues will take a full part (queues found to need one after the pool was made). */
  expect(n: number): void {
    this.queuesLeft += n;
  }

  give(share: ReadBudget): void {
    this.returnLeft += Math.max(0, share.returnMax - share.returned);
    this.readLeft += Math.max(0, share.readMax - share.read);
  }
}
