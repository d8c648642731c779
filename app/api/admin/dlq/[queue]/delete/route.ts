import { moveSelectedRoute } from "@/lib/http/dlq-routes";

/** Delete selected messages, named by identity (and the index the admin saw). */
export const POST = moveSelectedRoute("delete");
