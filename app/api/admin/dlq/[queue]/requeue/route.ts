import { moveSelectedRoute } from "@/lib/http/dlq-routes";

/** Requeue selected messages, named by identity (and the index the admin saw). */
export const POST = moveSelectedRoute("requeue");
