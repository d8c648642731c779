import { z } from "zod";

/**
 * The shapes environment variables are parsed with (lib/config.ts and the
 * settings it spreads in): text in, a checked value out, and an error that
 * says what was expected.
 */

export const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "expected true or false",
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

export function int(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: `expected a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min)
        .max(max, { error: `expected at most ${max}` }),
    );
}

export function num(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: `expected a number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min)
        .max(max, { error: `expected a number between ${min} and ${max}` }),
    );
}
