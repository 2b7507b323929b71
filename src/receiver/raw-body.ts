import type { IncomingMessage } from 'node:http';

/** The default body size limit of the adapters: 1 MiB, well above Hookway's largest payload (256 KiB by default). */
export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;

/** A body that could not be read: larger than the limit (413) or cut off by the client (400). */
export class RawBodyError extends Error {
  constructor(
    /** The answer to give. */
    readonly status: 400 | 413,
    /** Stable reason: `payload_too_large` or `request_aborted`. */
    readonly code: 'payload_too_large' | 'request_aborted',
    message: string,
  ) {
    super(message);
    this.name = 'RawBodyError';
  }
}

/** A request as body parsers may leave it: NestJS `{ rawBody: true }` sets `rawBody`, `express.raw()` sets `body`. */
type ParsedRequest = IncomingMessage & { rawBody?: unknown; body?: unknown };

/**
 * The request body as received. Takes the bytes a body parser kept (NestJS `rawBody`, `express.raw()`),
 * else reads the stream itself. Throws a plain Error when a parser already consumed the stream without
 * keeping the bytes: that is a set-up mistake, and re-serialising `req.body` would break every signature.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const parsed = req as ParsedRequest;
  if (Buffer.isBuffer(parsed.rawBody)) return parsed.rawBody;
  if (Buffer.isBuffer(parsed.body)) return parsed.body;
  if (req.readableEnded) {
    throw new Error(
      'webhook receiver: the request body was parsed before verification and its raw bytes were not kept. ' +
        'Mount the webhook middleware before express.json(), or create the NestJS app with { rawBody: true }.',
    );
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw new RawBodyError(413, 'payload_too_large', `request body is larger than ${limitBytes} bytes`);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: RawBodyError): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining without storing, so the 413 answer can still be written on this connection.
      if (size > limitBytes) settle(new RawBodyError(413, 'payload_too_large', `request body is larger than ${limitBytes} bytes`));
      else if (!settled) chunks.push(chunk);
    });
    req.on('end', () => settle());
    req.on('aborted', () => settle(new RawBodyError(400, 'request_aborted', 'the client aborted the request body')));
    req.on('error', () => settle(new RawBodyError(400, 'request_aborted', 'the request body could not be read')));
  });
}
