import "server-only";
import type { NextAuthOptions } from "next-auth";
import { authOptions } from "../auth/options";
import { clientIp } from "./request";
import { connected } from "./services";

/** next-auth's options wired to this server: its Redis connection and the front layer's client address. */
export function serverAuthOptions(): NextAuthOptions {
  return authOptions({
    redis: async () => (await connected()).redis,
    clientOf: (headers) => clientIp({ headers }),
  });
}
