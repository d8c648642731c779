/** The tokens page's side of the admin API: its views hold no URL and no response shape. */
"use client";

import useSWR from "swr";
import type { CreatedToken, TokenList } from "@/lib/http/types";
import { postJson } from "../api";

export const TOKENS_PATH = "/api/admin/tokens";

export interface NewTokenInput {
  name: string;
  role: "viewer" | "admin";
  /** Globs of queue names; null for every queue. */
  queues: string[] | null;
  expiresInDays: number;
}

export function useTokens() {
  return useSWR<TokenList>(TOKENS_PATH);
}

export function createToken(input: NewTokenInput): Promise<CreatedToken> {
  return postJson<CreatedToken>(TOKENS_PATH, input);
}

export function revokeToken(id: string): Promise<{ id: string }> {
  return postJson<{ id: string }>(`${TOKENS_PATH}/${encodeURIComponent(id)}/revoke`);
}
