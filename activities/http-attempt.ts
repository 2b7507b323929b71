import { request, type Dispatcher } from 'undici';
import { DnsTimeoutError, type HostResolver } from '../src/security/host-resolver';

/** What one HTTP attempt produced, before anyone decides what it means for the delivery. */
export interface HttpOutcome {
  startedAt: Date;
  durationMs: number;
  /** Set when the receiver answered at all. */
  statusCode?: number;
  /** The receiver's `Retry-After` header, verbatim, when it sent one. */
  retryAfter?: string;
  /** The start of the response body (at most {@link STORED_BODY_BYTES} bytes), for operators. */
  responseBody?: string;
  /** Set when no answer arrived: `timeout`, `connection_refused`, `dns_error`, `dns_timeout`, ... */
  networkError?: { reason: string; message: string };
}

/** At most this much of a response is read; the connection is dropped after that. */
export const MAX_BODY_BYTES_READ = 64 * 1024;
/** At most this much of a response is kept with the attempt. */
export const STORED_BODY_BYTES = 4 * 1024;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ENOTFOUND: 'dns_error',
  EAI_AGAIN: 'dns_error',
  EDNSTIMEOUT: 'dns_timeout',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  EDESTINATIONBLOCKED: 'destination_blocked',
};

/** Maps a thrown network error to its stable reason code (`network_error` when unknown). */
export function classifyNetworkError(error: unknown): string {
  let current: unknown = error;
  // undici wraps the system error; the useful code may sit a few causes deep.
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current.name === 'TimeoutError') return 'timeout';
    const code = (current as NodeJS.ErrnoException).code;
    if (code && code in NETWORK_REASONS) return NETWORK_REASONS[code];
    current = (current as Error & { cause?: unknown }).cause;
  }
  return 'network_error';
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_BODY_BYTES_READ) {
      // Nothing past this point is read: a receiver streaming megabytes costs us 64 KiB.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, STORED_BODY_BYTES).toString('utf8');
}

/**
 * POSTs `body` to `url` with one total deadline of `timeoutMs` for resolving, connecting, the headers and
 * the body together (a receiver dripping bytes is cut off), without following redirects. With a
 * `resolver`, the host is resolved first, within `min(resolver.timeoutMs, timeoutMs)`: a name whose DNS
 * never answers fails as `dns_timeout`, and the connector then finds the answer in the resolver's cache.
 * Never throws for network trouble: every outcome comes back as a result.
 */
export async function postWebhook(
  dispatcher: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  resolver?: Pick<HostResolver, 'resolve' | 'timeoutMs'>,
): Promise<HttpOutcome> {
  const startedAt = new Date();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    if (resolver) await resolver.resolve(new URL(url).hostname, Math.min(resolver.timeoutMs, timeoutMs));
    const response = await request(url, { method: 'POST', headers, body, dispatcher, signal: deadline });
    const responseBody = await readCapped(response.body);
    const retryAfter = response.headers['retry-after'];
    return {
      startedAt,
      durationMs: elapsed(),
      statusCode: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      responseBody,
    };
  } catch (error) {
    // A resolution that ran out of time says so, even when it used up the whole attempt.
    const reason = error instanceof DnsTimeoutError ? 'dns_timeout' : deadline.aborted ? 'timeout' : classifyNetworkError(error);
    const message = reason === 'timeout' ? `no complete answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return { startedAt, durationMs: elapsed(), networkError: { reason, message } };
  }
}
