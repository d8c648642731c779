"use client";

import { useState } from "react";
import { fmtTime } from "../format";
import { Button, Dialog } from "../ui";
import { DeepMoveNote } from "./MoveConfirm";
import { epochToZoned, LATER_MAX_SECONDS, PRESETS, zonedToEpoch, zoneChoices } from "./later";

const input =
  "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * Requeue later: a time "in 1 hour", or a date and time on the clocks of a
 * named zone, shown back in that zone and in UTC before anything moves. The
 * messages go to the queue's retry set, due then; the Retries tab lists them.
 */
export function LaterDialog(props: {
  /** What moves: "message 3", "4 messages". */
  what: string | null;
  busy: boolean;
  /** What the move costs Redis when deep inside a long DLQ (deepMoveNote), else null. */
  deep?: string | null;
  onConfirm: (at: number) => void;
  onClose: () => void;
}) {
  const later = useLater();
  return (
    <Dialog
      open={props.what !== null}
      title="Requeue later"
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            tone="primary"
            disabled={props.busy || later.problem !== null}
            onClick={() => later.at !== null && props.onConfirm(later.at)}
          >
            Requeue later
          </Button>
        </>
      }
    >
      <div className="space-y-3 text-sm">
        <p>
          {props.what} will go to the retry set, due at the time below; the worker service moves
          {props.what?.endsWith("s") ? " them" : " it"} to the work queue then.
        </p>
        <LaterPicker later={later} />
        <DeepMoveNote note={props.deep ?? null} />
      </div>
    </Dialog>
  );
}

/** A due time being chosen: the instant, and why it cannot be used yet (null when it can). */
export function useLater() {
  // Mounted when opened: "now" is when the admin opened it.
  const [openedAt] = useState(() => Math.floor(Date.now() / 1000));
  // The instant itself; the input shows it on the chosen zone's clocks.
  const [at, setAt] = useState<number | null>(openedAt + 3600);
  const problem =
    at === null
      ? "Choose a date and time."
      : at > openedAt + LATER_MAX_SECONDS
        ? "At most 30 days ahead."
        : null;
  return { openedAt, at, setAt, problem };
}

/** The presets, the date and time on a zone's clocks, and the due time shown back. */
export function LaterPicker({ later }: { later: ReturnType<typeof useLater> }) {
  const [zones] = useState(zoneChoices);
  const [zone, setZone] = useState(zones[0]!);
  const { at, setAt } = later;
  return (
    <>
      <WhenFields
        zones={zones}
        zone={zone}
        local={at === null ? "" : epochToZoned(at, zone)}
        onLocal={(local) => setAt(zonedToEpoch(local, zone))}
        onPreset={(seconds) => setAt(Math.floor(Date.now() / 1000) + seconds)}
        onZone={setZone}
      />
      <p role="status" className="tabular-nums">
        {later.problem ?? dueText(at!, zone, later.openedAt)}
      </p>
    </>
  );
}

/** The due time as it will be used: on the zone's clocks, in UTC, and whether it has passed. */
function dueText(at: number, zone: string, now: number): string {
  const utc = zone === "UTC" ? "" : ` · ${fmtTime(at, "utc")}`;
  const passed = at <= now ? " (already past: due at once)" : "";
  return `Due ${epochToZoned(at, zone).replace("T", " ")} ${zone}${utc}${passed}`;
}

/** The presets, then the date and time and the zone they are read in. */
function WhenFields(props: {
  zones: string[];
  zone: string;
  local: string;
  onLocal: (local: string) => void;
  onPreset: (seconds: number) => void;
  onZone: (zone: string) => void;
}) {
  return (
    <>
      <div className="flex flex-wrap gap-2" role="group" aria-label="Presets">
        {PRESETS.map((p) => (
          <Button key={p.label} onClick={() => props.onPreset(p.seconds)}>
            {p.label}
          </Button>
        ))}
      </div>
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1">
          Date and time
          <input
            type="datetime-local"
            className={input}
            value={props.local}
            onChange={(e) => props.onLocal(e.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1">
          Time zone
          <select
            className={input}
            value={props.zone}
            onChange={(e) => props.onZone(e.target.value)}
          >
            {props.zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      </div>
    </>
  );
}
