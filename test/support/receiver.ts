import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it, raw body included (signatures are over the raw bytes). */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  json: unknown;
  receivedAt: number;
}

/** What the receiver answers to its n-th request (0-based). */
export type ReceiverScript = (n: number, request: ReceivedRequest) => { status: number; body?: string; headers?: Record<string, string> };

/** A real HTTP server on 127.0.0.1 that records every request and answers as scripted. */
export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Answers 200 to everything. */
export const alwaysOk: ReceiverScript = () => ({ status: 200, body: 'ok' });

/**
 * Starts a receiver; `script` decides each answer. `answerAfterMs` holds every answer back that long
 * (recorded at once), like a receiver doing work, so attempts stay in flight.
 */
export async function startReceiver(script: ReceiverScript = alwaysOk, options: { answerAfterMs?: number } = {}): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        rawBody,
        json,
        receivedAt: Date.now(),
      };
      const answer = script(requests.length, request);
      requests.push(request);
      const respond = (): void => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (options.answerAfterMs) setTimeout(respond, options.answerAfterMs);
      else respond();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    requests,
    async waitForRequests(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${requests.length} of ${count} requests within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A receiver in an outage: it answers 503 to everything until `recover()`, then 200. */
export async function startOutageReceiver(): Promise<TestReceiver & { recover(): void }> {
  let healthy = false;
  const receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 503 }));
  return Object.assign(receiver, { recover: () => void (healthy = true) });
}

/** Receivers a test file starts as it goes, closed together at its end. */
export class Receivers {
  private readonly started: TestReceiver[] = [];

  /** Starts a receiver answering as `script` says. */
  async start(script?: ReceiverScript, options?: { answerAfterMs?: number }): Promise<TestReceiver> {
    const receiver = await startReceiver(script, options);
    this.started.push(receiver);
    return receiver;
  }

  /** Closes every receiver started. */
  async closeAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((receiver) => receiver.close()));
  }
}
