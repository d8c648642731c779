import { z } from "zod";

/** Request bodies shared by several routes. */
export const Identity = z.string().min(3).max(200);

export const Selection = z.object({
  messages: z
    .array(z.object({ identity: Identity, index: z.number().int().min(0).max(1e9).optional() }))
    .min(1)
    .max(1000),
});

export const SingleMessage = z.object({ identity: Identity });
