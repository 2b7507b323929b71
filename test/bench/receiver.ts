import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** How a route answers: 200, or 503 (a receiver that is up but failing). */
export type RouteMode = 'ok' | 'fail';

/** What one route (one endpoint's URL) has seen. */
export interface RouteLog {
  /** First successful arrival per `webhook-id`, in `performance.now()` ms of this process. */
  delivered: Map<string, number>;
  /** `webhook-id`s answered 503 at least once. */
  refused: Set<string>;
  /** Requests answered 200 for an id that was delivered already. */
  duplicates: number;
  requests: number;
}

/**
 * One real HTTP server on 127.0.0.1 in the bench process, standing in for every endpoint: each endpoint
 * gets its own route `/e/<label>`. It records when each `webhook-id` first arrived with a 2xx answer,
 * so latency is measured on the same clock that timed the API's 202. It neither parses nor verifies
 * the body: that work belongs to a real receiver and would only make the bench process the bottleneck.
 */
export class BenchReceiver {
  private readonly routes = new Map<string, RouteLog>();
  private readonly modes = new Map<string, RouteMode>();

  private constructor(
    private readonly server: http.Server,
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    readonly baseUrl: string,
  ) {}

  /** Starts listening on a free loopback port. */
  static async start(): Promise<BenchReceiver> {
    let self: BenchReceiver | undefined;
    const server = http.createServer((req, res) => self?.handle(req, res));
    // Keep-alive sockets from the worker's pool must not be closed under it between bursts.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new BenchReceiver(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** The URL of route `label`. */
  url(label: string): string {
    return `${this.baseUrl}/e/${label}`;
  }

  /** Makes route `label` answer 200 (`ok`) or 503 (`fail`) from now on. */
  setMode(label: string, mode: RouteMode): void {
    this.modes.set(label, mode);
  }

  /** The log of route `label` (empty until something arrives). */
  route(label: string): RouteLog {
    let log = this.routes.get(label);
    if (!log) {
      log = { delivered: new Map(), refused: new Set(), duplicates: 0, requests: 0 };
      this.routes.set(label, log);
    }
    return log;
  }

  /** Successful first arrivals across `labels` between two `performance.now()` instants. */
  deliveredBetween(labels: string[], from: number, to: number): number {
    let count = 0;
    for (const label of labels) {
      for (const at of this.route(label).delivered.values()) if (at >= from && at < to) count += 1;
    }
    return count;
  }

  /** Polls until `done()` holds or `timeoutMs` passes. @returns whether it held. */
  async waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const label = (req.url ?? '').startsWith('/e/') ? (req.url ?? '').slice(3) : '';
    const id = req.headers['webhook-id'];
    // The body is drained, not read: the answer goes out once the whole request is in, like a real one.
    req.resume();
    req.on('end', () => {
      const log = this.route(label);
      log.requests += 1;
      const key = typeof id === 'string' ? id : '';
      if (this.modes.get(label) === 'fail') {
        log.refused.add(key);
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      if (log.delivered.has(key)) log.duplicates += 1;
      else log.delivered.set(key, performance.now());
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }

  /** Closes the server and every open connection. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
