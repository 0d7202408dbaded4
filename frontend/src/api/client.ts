import createClient from "openapi-fetch";
import { ApiError } from "./problem";
import type { paths } from "./schema";
import { apiOrigin, authFetch } from "./session";

/** The typed client: paths, parameters and bodies come from the backend's OpenAPI. */
export const api = createClient<paths>({
  baseUrl: apiOrigin(),
  fetch: (request) => authFetch(request),
  credentials: "same-origin",
  headers: { Accept: "application/json" },
});

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Await an openapi-fetch call: the data on success, an ApiError otherwise. */
export async function unwrap<T>(
  call: Promise<Result<T>>,
): Promise<{ data: T; response: Response }> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, null);
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error);
  return { data: result.data as T, response: result.response };
}

/** The data of an openapi-fetch call, for a caller that needs nothing else of the answer. */
export async function dataOf<T>(call: Promise<Result<T>>): Promise<T> {
  return (await unwrap(call)).data;
}
