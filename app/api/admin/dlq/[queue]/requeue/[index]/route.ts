import { moveOneRoute } from "@/lib/http/dlq-routes";

export const dynamic = "force-dynamic";

/** The seed's endpoint; the body names the message the admin saw at that index. */
export const POST = moveOneRoute("requeue");
