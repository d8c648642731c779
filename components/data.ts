/** The shell's side of the session API (the login session, not a page's data). */
"use client";

import type { OkResponse } from "@/lib/http/types";
import { postJson } from "./api";

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
