/** The queue page's side of the admin API: its views hold no URL and no response shape. */
"use client";

import useSWR from "swr";
import type {
  DlqMessage,
  DlqMessageResponse,
  DlqPageResponse,
  DlqStatsResponse,
  ErrorGroupsResponse,
  PurgeResponse,
  RedriveTask,
  RequeueResponse,
  RetryNowResponse,
  RetryPageResponse,
  ReviewedResponse,
  ReviewResponse,
  TaskResponse,
  TaskStartedResponse,
  TaskState,
} from "@/lib/http/types";
import { ApiError, apiPath, getJson, postJson, queuePath } from "../api";
import { usePollInterval } from "../DashboardProvider";

export { PURGE_DAYS_MAX, REDRIVE_RATE_MAX } from "@/lib/http/types";

export type MoveMode = "requeue" | "delete";

/** A DLQ entry as the move routes take it: its identity, and its index as a hint. */
export interface MessageRef {
  identity: string;
  index: number;
}

/** Scheduled retries shown per page. */
export const RETRIES_PAGE_SIZE = 50;

/** The error grouping scans up to 10 000 entries: polled less often than the cheap reads. */
const ERROR_GROUPS_MIN_POLL_MS = 30_000;

const ACTIVE: readonly TaskState[] = ["pending", "running", "cancelling"];

export function isActive(task: RedriveTask | null | undefined): boolean {
  return !!task && ACTIVE.includes(task.state);
}

export const DLQ_STATS_PATH = "/api/admin/dlq/stats";

/** One page of the DLQ, newest first; with `q`, the entries of a bounded scan that contain it. */
export function dlqPagePath(queue: string, offset: number, limit: number, q: string): string {
  return apiPath(queuePath(queue), { offset, limit, q: q || undefined });
}

/** The whole of an entry whose list row carries only its head. */
export function messagePath(queue: string, m: MessageRef): string {
  return apiPath(queuePath(queue, "message", String(m.index)), { identity: m.identity });
}

export function tasksPath(queue: string): string {
  return queuePath(queue, "tasks");
}

export function errorGroupsPath(queue: string, ...rest: string[]): string {
  return ["/api/admin/errors", encodeURIComponent(queue), ...rest].join("/");
}

export function retriesPath(queue: string, ...rest: string[]): string {
  return ["/api/admin/retry", encodeURIComponent(queue), ...rest].join("/");
}

export function reviewPath(queue: string): string {
  return ["/api/admin/review", encodeURIComponent(queue)].join("/");
}

/** Every queue's counts and the worker service's health. */
export function useDlqStats() {
  return useSWR<DlqStatsResponse>(DLQ_STATS_PATH);
}

export function useDlqPage(queue: string, offset: number, limit: number, q: string) {
  return useSWR<DlqPageResponse>(dlqPagePath(queue, offset, limit, q));
}

/** Fetched once (the drawer is a snapshot, not polled), and only for a truncated entry. */
/**
 * The dead letter a link names (`?message=<index>&identity=<id>`, from the
 * Find page): read once, whole; `gone` when it is no longer in the DLQ.
 */
export async function linkedMessage(queue: string, ref: MessageRef): Promise<DlqMessage | "gone"> {
  try {
    return (await getJson<DlqMessageResponse>(messagePath(queue, ref))).message;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return "gone";
    throw error;
  }
}

export function useWholeMessage(queue: string, m: DlqMessage) {
  return useSWR<DlqMessageResponse>(m.truncated ? messagePath(queue, m) : null, {
    refreshInterval: 0,
    revalidateOnFocus: false,
  });
}

export function useErrorGroups(queue: string) {
  return useSWR<ErrorGroupsResponse>(errorGroupsPath(queue), {
    refreshInterval: usePollInterval(ERROR_GROUPS_MIN_POLL_MS),
  });
}

export function useRetries(queue: string, offset: number) {
  return useSWR<RetryPageResponse>(
    apiPath(retriesPath(queue), { offset, limit: RETRIES_PAGE_SIZE }),
  );
}

/**
 * The queue's requeue-all / delete-all task. It lives in Redis and runs in the
 * worker service, so a reload shows it again; while active it is polled every
 * second (unless refreshing is paused) so that the bar moves.
 */
export function useTask(queue: string) {
  return useSWR<TaskResponse>(tasksPath(queue), {
    refreshInterval: usePollInterval(0, taskPollMs),
  });
}

/** An active task is polled every second so that its bar moves; otherwise at the dashboard's pace. */
function taskPollMs(data: TaskResponse | undefined): number | null {
  return isActive(data?.task) ? 1000 : null;
}

/** The queue's last review mark (null when never reviewed). */
export function useReview(queue: string) {
  return useSWR<ReviewResponse>(reviewPath(queue));
}

function moveOne(
  queue: string,
  mode: MoveMode,
  m: MessageRef,
  at?: number,
): Promise<RequeueResponse> {
  return postJson<RequeueResponse>(queuePath(queue, mode, String(m.index)), {
    identity: m.identity,
    at,
  });
}

/** Requeue later: into the queue's retry set, due at `at` (epoch seconds). */
export function requeueOneLater(
  queue: string,
  m: MessageRef,
  at: number,
): Promise<RequeueResponse> {
  return moveOne(queue, "requeue", m, at);
}

export function requeueSelectedLater(
  queue: string,
  messages: MessageRef[],
  at: number,
): Promise<RequeueResponse> {
  return postJson<RequeueResponse>(queuePath(queue, "requeue"), { messages, at });
}

export function requeueOne(queue: string, m: MessageRef): Promise<RequeueResponse> {
  return moveOne(queue, "requeue", m);
}

export function deleteOne(queue: string, m: MessageRef): Promise<RequeueResponse> {
  return moveOne(queue, "delete", m);
}

function moveSelected(
  queue: string,
  mode: MoveMode,
  messages: MessageRef[],
): Promise<RequeueResponse> {
  return postJson<RequeueResponse>(queuePath(queue, mode), { messages });
}

export function requeueSelected(queue: string, messages: MessageRef[]): Promise<RequeueResponse> {
  return moveSelected(queue, "requeue", messages);
}

export function deleteSelected(queue: string, messages: MessageRef[]): Promise<RequeueResponse> {
  return moveSelected(queue, "delete", messages);
}

/** Requeues or deletes the entries of one error group (by its id). */
export function moveGroup(queue: string, mode: MoveMode, group: string): Promise<RequeueResponse> {
  return postJson<RequeueResponse>(errorGroupsPath(queue, mode), { group });
}

/** Requeue all / delete all, run by the worker service; 0 as the rate means no limit. */
export function startTask(
  queue: string,
  kind: MoveMode,
  ratePerSecond: number,
): Promise<TaskStartedResponse> {
  return postJson<TaskStartedResponse>(tasksPath(queue), { kind, ratePerSecond });
}

export function cancelTask(queue: string): Promise<TaskStartedResponse> {
  return postJson<TaskStartedResponse>(queuePath(queue, "tasks", "cancel"), {});
}

/** Deletes the entries that failed more than `olderThanDays` ago. */
export function purge(queue: string, olderThanDays: number): Promise<PurgeResponse> {
  return postJson<PurgeResponse>(queuePath(queue, "purge"), { olderThanDays });
}

/** Moves one scheduled retry (identity and its rank in the schedule) to the work queue now. */
export function retryNow(queue: string, identity: string, rank: number): Promise<RetryNowResponse> {
  return postJson<RetryNowResponse>(retriesPath(queue, "now"), { identity, rank });
}

export function retryAllNow(queue: string): Promise<RetryNowResponse> {
  return postJson<RetryNowResponse>(retriesPath(queue, "now"), { all: true });
}

export function markReviewed(queue: string): Promise<ReviewedResponse> {
  return postJson<ReviewedResponse>(reviewPath(queue), {});
}
