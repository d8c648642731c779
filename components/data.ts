/** The shell's side of the API: the login session, and the queue Redis' safety (not a page's data). */
"use client";

import useSWR from "swr";
import type { OkResponse } from "@/lib/http/types";
import type { RedisStatus } from "@/lib/http/responses";
import { postJson } from "./api";
import { usePollInterval } from "./DashboardProvider";

export const SESSION_ACTIVITY_PATH = "/api/session/activity";
export const SESSION_END_ALL_PATH = "/api/session/end-all";

/** Counts the user's last action for the idle timeout (polls never do). */
export function reportActivity(): Promise<OkResponse> {
  return postJson<OkResponse>(SESSION_ACTIVITY_PATH);
}

/** Ends every session of this user, on every browser. */
export function endAllSessions(): Promise<OkResponse> {
  return postJson<OkResponse>(SESSION_END_ALL_PATH);
}

export const REDIS_SAFETY_PATH = "/api/admin/redis";

/** Policy and persistence change rarely; memory filling up is worth a look every 15 s. */
const SAFETY_MIN_POLL_MS = 15_000;

/** What makes the queue Redis unsafe for queues, for the banner on every page, and where its master is. */
export function useRedisSafety() {
  return useSWR<RedisStatus>(REDIS_SAFETY_PATH, {
    refreshInterval: usePollInterval(SAFETY_MIN_POLL_MS),
  });
}
