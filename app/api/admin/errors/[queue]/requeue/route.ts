import { moveGroupRoute } from "@/lib/http/error-group-routes";

/** Body {group}: requeues every message of that error group. */
export const POST = moveGroupRoute("requeue");
