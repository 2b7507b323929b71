import type { Server, ServerResponse } from 'node:http';
import net from 'node:net';

/** Whether this process is on its way out; `/health` reads it. */
export interface ShutdownState {
  readonly stopping: boolean;
}

/** What a drain did, for the shutdown log line. */
export interface DrainOutcome {
  /** Requests still unanswered when the grace period ran out (their connections were cut). */
  abandonedRequests: number;
  elapsedMs: number;
}

/**
 * Takes an HTTP server out of service without leaving a request it received unanswered. Node's own
 * `server.close()` closes idle keep-alive connections at once, and a client may already have written
 * its next request on one of them: that request is lost with a reset, though the client sent it.
 * Instead, `drain()`
 * - stops accepting connections (a client or load balancer sees "connection refused" and goes elsewhere;
 *   nothing was sent, nothing lost),
 * - answers every request on the open connections, in flight or arriving now, with `Connection: close`,
 *   so each connection ends after its answer,
 * - leaves idle connections to the keep-alive timeout the server advertised (`Keep-Alive: timeout=5`),
 *   before which clients stop reusing them, so no request can cross a closing connection,
 * - cuts whatever is left when `graceMs` runs out.
 */
export class HttpDrain implements ShutdownState {
  private draining = false;
  private server: Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Responses not yet finished. */
  private readonly open = new Set<ServerResponse>();

  get stopping(): boolean {
    return this.draining;
  }

  /** Starts tracking `server`'s connections and requests; call before it listens. */
  attach(server: Server): void {
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // First in line, before the application sees the request.
    server.prependListener('request', (_request, response: ServerResponse) => {
      if (this.draining) response.setHeader('connection', 'close');
      this.open.add(response);
      response.once('close', () => this.open.delete(response));
    });
    this.server = server;
  }

  /** Drains as described on the class; resolves once every connection is closed. */
  async drain(graceMs: number): Promise<DrainOutcome> {
    const started = Date.now();
    this.draining = true;
    const server = this.server;
    if (!server) return { abandonedRequests: 0, elapsedMs: 0 };
    for (const response of this.open) {
      if (!response.headersSent) response.setHeader('connection', 'close');
    }
    // net's close, not http's: it stops listening and reports when the last connection has gone,
    // without closing the idle keep-alive connections at once (see the class comment).
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), graceMs);
    });
    const result = await Promise.race([closed, expired]);
    clearTimeout(timer);
    let abandonedRequests = 0;
    if (result === 'expired') {
      abandonedRequests = this.open.size;
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    return { abandonedRequests, elapsedMs: Date.now() - started };
  }
}
