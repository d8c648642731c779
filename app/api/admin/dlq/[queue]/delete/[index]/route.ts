import { moveOneRoute } from "@/lib/http/dlq-routes";

export const dynamic = "force-dynamic";

/** Delete one message, named by index and identity. */
export const POST = moveOneRoute("delete");
