/**
 * Which custom headers an endpoint may carry: exactly those every attempt can send and a receiver gets
 * as written. The rules follow what undici (which sends every attempt) refuses, in
 * `undici/lib/core/request.js` `processHeader` and `undici/lib/core/util.js`, plus what HTTP itself would
 * alter on the way.
 */

/** Most custom headers on one endpoint. */
export const MAX_CUSTOM_HEADERS = 50;
/** Longest header name. */
export const MAX_HEADER_NAME_LENGTH = 128;
/** Longest header value. */
export const MAX_HEADER_VALUE_LENGTH = 4096;
/**
 * Most bytes all custom header lines may take together (`name: value\r\n`), so that with Hookway's own
 * headers (two signatures during a rotation) they fit the 16 KiB Node's HTTP server takes by default
 * and the 8 KiB a single line may have in nginx and Apache.
 */
export const MAX_CUSTOM_HEADER_BYTES = 8192;

// Hookway writes these on every attempt; an override would break signing or describe another body.
const HOOKWAY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
// Connection-level headers. undici throws on transfer-encoding, keep-alive, upgrade and expect, treats
// host, content-length and connection as instructions for the connection, and the others are hop-by-hop
// (RFC 9110 section 7.6.1) or meant for proxies: none reaches a receiver as a header of the request.
const CONNECTION_HEADERS = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'te', 'trailer', 'proxy-connection', 'http2-settings'];
const RESERVED = new Set([...HOOKWAY_HEADERS, ...CONNECTION_HEADERS]);

/** RFC 9110 token characters: undici refuses any other name (`isValidHTTPToken`). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Visible ASCII, with spaces or tabs only between visible characters. undici refuses control characters
 * (CR, LF, NUL...) and anything above U+00FF; U+0080-U+00FF it sends as single latin1 bytes, which
 * receivers reading UTF-8 would not get back as written; leading and trailing whitespace every HTTP
 * parser strips.
 */
const VALUE = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/;

/** What is wrong with a set of custom headers: `path` is the header at fault, absent when it is the set. */
export interface HeaderProblem {
  path?: string;
  message: string;
}

/** A header name as a field path segment: long ones cut, so an error never echoes kilobytes back. */
function named(name: string): string {
  return name.length > MAX_HEADER_NAME_LENGTH ? `${name.slice(0, MAX_HEADER_NAME_LENGTH)}...` : name;
}

function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_HEADER_NAME_LENGTH) return `a header name must have 1 to ${MAX_HEADER_NAME_LENGTH} characters`;
  if (!TOKEN.test(name)) return "a header name may hold only letters, digits and !#$%&'*+-.^_`|~";
  const lower = name.toLowerCase();
  if (RESERVED.has(lower) || lower.startsWith('proxy-')) {
    return `${lower} cannot be set: Hookway sets it itself or it concerns the connection, not the request (refused: ${[...RESERVED].join(', ')}, proxy-*)`;
  }
  return undefined;
}

function valueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'a header value must be a string';
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `a header value may have at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  if (!VALUE.test(value)) {
    return 'a header value may hold only visible ASCII characters, with spaces or tabs between them (no line breaks, control or non-ASCII characters, no leading or trailing whitespace)';
  }
  return undefined;
}

/** The first reason `headers` cannot be an endpoint's custom headers, or undefined when every attempt can send them as they are. */
export function customHeadersProblem(headers: unknown): HeaderProblem | undefined {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return { message: 'must be an object mapping header names to strings' };
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS) return { message: `may have at most ${MAX_CUSTOM_HEADERS} headers` };
  const seen = new Set<string>();
  let bytes = 0;
  for (const [name, value] of entries) {
    const problem = nameProblem(name) ?? valueProblem(value);
    if (problem) return { path: named(name), message: problem };
    // Names are case-insensitive: both would be sent and a receiver would see them joined into one value.
    if (seen.has(name.toLowerCase())) return { path: named(name), message: 'a header of this name, in another case, is already set' };
    seen.add(name.toLowerCase());
    bytes += name.length + (value as string).length + 4;
  }
  if (bytes > MAX_CUSTOM_HEADER_BYTES) return { message: `must take at most ${MAX_CUSTOM_HEADER_BYTES} bytes together, counting "name: value" and a line break for each` };
  return undefined;
}
