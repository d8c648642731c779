import { moveOneRoute } from "@/lib/http/dlq-routes";

/** The Python backend's endpoint; the body names the message the admin saw at that index. */
export const POST = moveOneRoute("requeue");
