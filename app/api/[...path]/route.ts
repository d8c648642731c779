import { errorResponse } from "@/lib/http/errors";

/**
 * Any /api path no route claims (a typo, or `%2e%2e` that Next normalised
 * away from a route) answers in the API's envelope, not with the HTML 404 page.
 */
function notFound(): Response {
  return errorResponse(404, "NOT_FOUND", "No such API route");
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
