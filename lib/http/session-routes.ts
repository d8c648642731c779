import "server-only";
import type { SessionUser } from "../auth/session";
import { HttpError, toErrorResponse } from "./errors";
import { isSameOrigin } from "./request";
import { jsonBody } from "./body";
import { sessionUser } from "./route";
import { connected, type Services } from "./services";

/**
 * A change to the caller's own session (activity, sign out everywhere): any
 * logged-in user, same origin and a JSON body as for every other change.
 */
export function sessionAction(
  handler: (services: Services, user: SessionUser) => Promise<unknown>,
) {
  return async (request: Request): Promise<Response> => {
    try {
      const services = await connected();
      const user = await sessionUser(request, services);
      if (!isSameOrigin(request))
        throw new HttpError(403, "CROSS_SITE", "Cross-site requests cannot change anything");
      await jsonBody(request);
      return Response.json(await handler(services, user));
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
