import { request, type Dispatcher } from 'undici';

/** The result of one HTTP attempt, before anyone decides what it means for the delivery. */
export interface HttpAttemptResult {
  startedAt: Date;
  durationMs: number;
  /** Set when the receiver answered at all. */
  statusCode?: number;
  /** Stable reason code for a failed attempt: `http_503`, `timeout`, `connection_refused`, ... */
  reason?: string;
  /** Human-readable detail for a failed attempt. */
  message?: string;
}

// Enough of a response to show an operator what the receiver said; the rest is drained unread.
const MAX_BODY_BYTES_READ = 64 * 1024;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ENOTFOUND: 'dns_error',
  EAI_AGAIN: 'dns_error',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
};

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici and fetch wrap the system error; the useful code is on the innermost cause.
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code && code in NETWORK_REASONS) return code;
    if (current.name === 'TimeoutError') return 'ETIMEDOUT';
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a thrown network error to its stable reason code. */
export function classifyNetworkError(error: unknown): string {
  const code = errorCode(error);
  return code ? NETWORK_REASONS[code] : 'network_error';
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size < MAX_BODY_BYTES_READ) chunks.push(buffer.subarray(0, MAX_BODY_BYTES_READ - size));
    size += buffer.length;
    if (size >= MAX_BODY_BYTES_READ) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs `body` to `url` with a total deadline of `timeoutMs` (connect, headers and body together) and no
 * redirects. Never throws for network trouble: every outcome comes back as a result.
 */
export async function postWebhook(
  dispatcher: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<HttpAttemptResult> {
  const startedAt = new Date();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseText = await readCapped(response.body);
    const statusCode = response.statusCode;
    if (statusCode >= 200 && statusCode < 300) return { startedAt, durationMs: elapsed(), statusCode };
    const snippet = responseText.slice(0, 200).replace(/\s+/g, ' ').trim();
    return {
      startedAt,
      durationMs: elapsed(),
      statusCode,
      reason: `http_${statusCode}`,
      message: `receiver answered ${statusCode}${snippet ? `: ${snippet}` : ''}`,
    };
  } catch (error) {
    const reason = classifyNetworkError(error);
    const detail = error instanceof Error ? error.message : String(error);
    return { startedAt, durationMs: elapsed(), reason, message: reason === 'timeout' ? `no answer within ${timeoutMs} ms` : detail };
  }
}
