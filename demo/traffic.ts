import { randomInt } from "./random";

/**
 * The shape of the demo's traffic over time: each queue's base rate follows a
 * slow sine wave (a day compressed into minutes), with bursts now and then
 * (a customer's batch job), folder uploads dropping hundreds of messages at
 * once, and incidents during which one pipeline's upstream mostly fails.
 */
export interface Profile {
  /** Mean arrivals per second, before the wave and bursts. */
  rate: number;
  /** Median handling time of one message, ms. */
  medianMs: number;
  /** Consumers of the queue (each with its own blocking connection). */
  concurrency: number;
  /** What goes wrong during an incident, for the log. */
  incident: string;
}

/**
 * Sized so that the consumers keep up with the wave (about 1.4× the mean rate
 * at its peak) but not with a burst or an upload, which leave a backlog that
 * drains over a minute or two: moving work-queue lengths. Tens of messages per
 * second in all, a small share of two cores.
 */
export const PROFILES: Record<string, Profile> = {
  document: { rate: 9, medianMs: 250, concurrency: 6, incident: "OCR upstream degraded" },
  audio: { rate: 4, medianMs: 500, concurrency: 6, incident: "speech-to-text gateway overloaded" },
  video: { rate: 2, medianMs: 900, concurrency: 4, incident: "transcoder pool at capacity" },
  graph: { rate: 6, medianMs: 150, concurrency: 3, incident: "Neo4j leader election" },
};

const GENERIC: Profile = { rate: 2, medianMs: 200, concurrency: 2, incident: "upstream degraded" };

export function profileOf(queue: string): Profile {
  return PROFILES[queue] ?? GENERIC;
}

/** The wave's period: long enough to read as a trend on the 1-hour chart, short enough to see. */
const WAVE_SECONDS = 8 * 60;
const WAVE_AMPLITUDE = 0.4;

/** Chance per second that a queue starts a burst, that an incident starts, that a folder is uploaded. */
const BURST_PER_SECOND = 1 / 180;
const INCIDENT_PER_SECOND = 1 / 240;
const UPLOAD_PER_SECOND = 1 / 300;

/** Chance that an attempt fails transiently: first attempts, retries; normally and during an incident. */
const TRANSIENT = { first: 0.05, retry: 0.3, firstDegraded: 0.5, retryDegraded: 0.6 };

interface Window {
  until: number;
  factor: number;
}

export type TrafficEvent =
  | { kind: "burst"; queue: string; factor: number; seconds: number }
  | { kind: "incident"; queue: string; what: string; seconds: number }
  | { kind: "recovered"; queue: string; what: string }
  | { kind: "upload"; queue: string; count: number };

export class Traffic {
  private readonly bursts = new Map<string, Window>();
  private readonly incidents = new Map<string, number>();
  private readonly phases: Map<string, number>;
  /** Scripted events, so that the first minute already has an upload and an incident. */
  private readonly scripted: { at: number; event: () => TrafficEvent | null }[];

  constructor(
    private readonly queues: string[],
    private readonly started = Date.now(),
  ) {
    this.phases = new Map(queues.map((q, i) => [q, (i * 2 * Math.PI) / queues.length]));
    const first = queues[0]!;
    const second = queues[1 % queues.length]!;
    this.scripted = [
      { at: started + 15_000, event: () => this.upload(first, 300) },
      { at: started + 25_000, event: () => this.startIncident(second, 60) },
    ];
  }

  /** The slow wave alone for `queue` at `now` (ms): 0.6 to 1.4. */
  wave(queue: string, now = Date.now()): number {
    const t = (now - this.started) / 1000;
    const phase = this.phases.get(queue) ?? 0;
    return 1 + WAVE_AMPLITUDE * Math.sin((2 * Math.PI * t) / WAVE_SECONDS + phase);
  }

  /** Arrivals per second for `queue` at `now` (ms). */
  rate(queue: string, now = Date.now()): number {
    const burst = this.bursts.get(queue);
    const factor = burst && burst.until > now ? burst.factor : 1;
    return profileOf(queue).rate * this.wave(queue, now) * factor;
  }

  /** Whether the queue's upstream is in an incident now. */
  degraded(queue: string, now = Date.now()): boolean {
    return (this.incidents.get(queue) ?? 0) > now;
  }

  /** The chance that an attempt (retry number `retryCount`) fails transiently now. */
  transientChance(queue: string, retryCount: number, now = Date.now()): number {
    const bad = this.degraded(queue, now);
    if (retryCount === 0) return bad ? TRANSIENT.firstDegraded : TRANSIENT.first;
    return bad ? TRANSIENT.retryDegraded : TRANSIENT.retry;
  }

  /** Called once a second: starts and ends bursts, incidents and uploads; returns what happened. */
  tick(now = Date.now()): TrafficEvent[] {
    const events: TrafficEvent[] = [];
    const push = (e: TrafficEvent | null) => e && events.push(e);
    for (const s of this.scripted.filter((s) => s.at <= now)) push(s.event());
    this.scripted.splice(0, this.scripted.length, ...this.scripted.filter((s) => s.at > now));
    for (const [queue, until] of this.incidents) {
      if (until <= now) {
        this.incidents.delete(queue);
        push({ kind: "recovered", queue, what: profileOf(queue).incident });
      }
    }
    for (const queue of this.queues) {
      if (Math.random() < BURST_PER_SECOND) push(this.startBurst(queue, now));
      if (Math.random() < UPLOAD_PER_SECOND / this.queues.length) {
        push(this.upload(queue, randomInt(150, 600)));
      }
    }
    if (Math.random() < INCIDENT_PER_SECOND) {
      const calm = this.queues.filter((q) => !this.degraded(q, now));
      if (calm.length > 0) {
        push(this.startIncident(calm[randomInt(0, calm.length - 1)]!, randomInt(40, 120)));
      }
    }
    return events;
  }

  private startBurst(queue: string, now: number): TrafficEvent | null {
    if ((this.bursts.get(queue)?.until ?? 0) > now) return null;
    const seconds = randomInt(8, 25);
    const factor = randomInt(3, 6);
    this.bursts.set(queue, { until: now + seconds * 1000, factor });
    return { kind: "burst", queue, factor, seconds };
  }

  private startIncident(queue: string, seconds: number): TrafficEvent {
    this.incidents.set(queue, Date.now() + seconds * 1000);
    return { kind: "incident", queue, what: profileOf(queue).incident, seconds };
  }

  private upload(queue: string, count: number): TrafficEvent {
    return { kind: "upload", queue, count };
  }
}
