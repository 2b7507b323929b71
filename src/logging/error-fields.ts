/** What a log line says about an error: enough to search for, nothing a library keeps inside it. */
export interface ErrorFields {
  /** The error's class (`DatabaseError`, `SocketError`, `ServiceError`), or `typeof` for a thrown non-error. */
  type: string;
  message: string;
  /** The library's stable code (`57P01`, `UND_ERR_SOCKET`, `ECONNREFUSED`), when it has one. */
  code?: string;
  /** What the error it wraps said (a driver's own words behind "postgres is unavailable"), when that differs. */
  cause?: string;
}

/** Long enough for any library's message; a bound so a message that embeds a payload cannot flood the log. */
const MAX_MESSAGE_CHARS = 1_000;

function stringCode(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function typeOf(value: object): string {
  const own = (value as { type?: unknown }).type;
  if (!(value instanceof Error) && typeof own === 'string') return own;
  const name = value.constructor?.name;
  if (name && name !== 'Object') return name;
  return value instanceof Error ? value.name : 'Object';
}

function messageOf(value: object): string {
  const message = (value as { message?: unknown }).message;
  if (typeof message === 'string' && message !== '') return message;
  // Node's connect errors are AggregateErrors with an empty message and one error per address tried.
  const inner = (value as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    return inner.map((e) => (e !== null && typeof e === 'object' ? messageOf(e) : String(e))).join('; ');
  }
  return typeof message === 'string' ? message : '';
}

/**
 * Reduces anything thrown to its type, message, code and what the error it wraps said. Libraries hang their internals on their errors
 * (pg's pool error carries the whole client with its connection parameters, gRPC errors their metadata,
 * undici errors their socket), and a logger that serialises every property writes all of that out.
 */
export function errorFields(value: unknown): ErrorFields {
  if (value === null || typeof value !== 'object') {
    return { type: typeof value, message: String(value).slice(0, MAX_MESSAGE_CHARS) };
  }
  const fields: ErrorFields = { type: typeOf(value), message: messageOf(value).slice(0, MAX_MESSAGE_CHARS) };
  const cause = (value as { cause?: unknown }).cause;
  const code =
    stringCode((value as { code?: unknown }).code) ??
    (cause !== null && typeof cause === 'object' ? stringCode((cause as { code?: unknown }).code) : undefined);
  if (code !== undefined) fields.code = code;
  // A string cause is one already reduced (a log call's fields pass through here twice) or given as text.
  const said = typeof cause === 'string' ? cause : cause !== null && typeof cause === 'object' ? messageOf(cause) : '';
  if (said !== '' && said !== fields.message) fields.cause = said.slice(0, MAX_MESSAGE_CHARS);
  return fields;
}

/** True for values a log line must show as {@link ErrorFields}: errors, and error-shaped objects from other realms. */
export function looksLikeError(value: unknown): boolean {
  if (value instanceof Error) return true;
  return value !== null && typeof value === 'object' && typeof (value as { stack?: unknown }).stack === 'string' && typeof (value as { message?: unknown }).message === 'string';
}

/**
 * A log call's fields with every error among them reduced to {@link ErrorFields}, whatever the key (`err`,
 * `error`, `cause`, or the Temporal SDK's own names).
 */
export function reduceErrors(fields: Record<string, unknown>): Record<string, unknown> {
  let reduced: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (!looksLikeError(value)) continue;
    reduced ??= { ...fields };
    reduced[key] = errorFields(value);
  }
  return reduced ?? fields;
}
