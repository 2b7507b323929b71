/** Calls to the Hookway API on this origin, with the token the page holds. */

/** An answer of the API that was not 2xx, with its `error.code` and `error.message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API's answers as the portal reads them. */
export interface Page<T> {
  items: T[];
  total?: number;
}

let bearer: string | undefined;
let onUnauthorized: ((error: ApiError) => void) | undefined;

/** Sets the token every call carries, and what happens when the API refuses it (401). */
export function setBearer(token: string | undefined, unauthorized?: (error: ApiError) => void): void {
  bearer = token;
  onUnauthorized = unauthorized;
}

/** Calls `path` (starting with /v1) and returns its JSON, or throws {@link ApiError} with the API's message. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const sentWith = bearer;
  if (sentWith) headers.authorization = `Bearer ${sentWith}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'The Hookway API could not be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    const failure = new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `The API answered ${response.status}.`);
    // A refusal of a token the page no longer holds (signed out, another link opened since) says nothing
    // about the token it holds now.
    if (response.status === 401 && sentWith === bearer) onUnauthorized?.(failure);
    throw failure;
  }
  return parsed as T;
}

/** A query string of the values that are set, e.g. `?limit=20&after=x`. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A path segment, encoded. */
export const seg = (value: string): string => encodeURIComponent(value);
