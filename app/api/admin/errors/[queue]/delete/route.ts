import { moveGroupRoute } from "@/lib/http/error-group-routes";

export const dynamic = "force-dynamic";

/** Body {group}: deletes every message of that error group. */
export const POST = moveGroupRoute("delete");
