import { moveOneRoute } from "@/lib/http/dlq-routes";

/** The seed's endpoint; the body names the message the admin saw at that index. */
export const POST = moveOneRoute("requeue");
