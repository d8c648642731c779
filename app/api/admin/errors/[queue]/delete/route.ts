import { moveGroupRoute } from "@/lib/http/error-group-routes";

/** Body {group}: deletes every message of that error group. */
export const POST = moveGroupRoute("delete");
