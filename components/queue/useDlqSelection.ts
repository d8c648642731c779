"use client";

import { useState } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { pageKeys } from "./DlqTable";

/**
 * The checked rows of a DLQ page, by selection key (identity, numbered when
 * identical messages repeat), so that a checked row stays checked while new
 * failures shift every index. Only what is on screen counts as selected, at
 * its current index (a hint for the API).
 */
export function useDlqSelection(messages: readonly DlqMessage[]) {
  const [selected, setSelected] = useState<ReadonlyMap<string, DlqMessage>>(new Map());
  const keys = pageKeys(messages);
  const chosen = messages.filter((_, i) => selected.has(keys[i]!));
  const toggle = (key: string, m: DlqMessage) =>
    setSelected((s) => {
      const next = new Map(s);
      if (next.has(key)) next.delete(key);
      else next.set(key, m);
      return next;
    });
  const toggleAll = (on: boolean) =>
    setSelected(on ? new Map(messages.map((m, i) => [keys[i]!, m])) : new Map());
  const clear = () => setSelected(new Map());
  return { keys, chosen, selectedKeys: new Set(selected.keys()), toggle, toggleAll, clear };
}
