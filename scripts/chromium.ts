/**
 * The system's Chromium, as the browser tests and the UI benchmark launch it:
 * never a downloaded browser. CHROMIUM_PATH points elsewhere on other systems.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
