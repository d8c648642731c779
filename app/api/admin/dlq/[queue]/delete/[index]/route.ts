import { moveOneRoute } from "@/lib/http/dlq-routes";

/** Delete one message, named by index and identity. */
export const POST = moveOneRoute("delete");
