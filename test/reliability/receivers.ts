import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from './counter';

/**
 * What a receiver does with one request: `process` it (the side effect happens now, then it answers 200
 * after `delayMs`, whether or not Hookway still listens) or `reset` the connection after `delayMs` without
 * processing anything.
 */
export interface Reaction {
  action: 'process' | 'reset';
  delayMs: number;
}

/** Decides the reaction to the `nth` (0-based) request carrying the message numbered `seq`. */
export type Behaviour = (seq: number, nth: number) => Reaction;

/** One request as the receiver saw it. */
export interface Reception {
  webhookId: string;
  /** `data.seq` of the body; -1 when the body was not the JSON the suite sent. */
  seq: number;
  bodyHash: string;
  action: Reaction['action'];
  arrivedAt: number;
  /** When the answer (or the reset) went out. */
  answeredAt?: number;
}

/** A number in [0, 1) fixed by its inputs, so a run's misbehaviour can be replayed exactly. */
export function fixedFraction(...parts: number[]): number {
  const digest = createHash('sha256').update(parts.join(':')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

function seqOf(rawBody: string): number {
  try {
    const body = JSON.parse(rawBody) as { data?: { seq?: unknown } };
    return typeof body.data?.seq === 'number' ? body.data.seq : -1;
  } catch {
    return -1;
  }
}

/**
 * A real HTTP server on 127.0.0.1 that records the `webhook-id` of every request and reacts as its
 * behaviour says. A message counts as delivered when a receiver processed it; each further processing of
 * the same `webhook-id` is a duplicate.
 */
export class CountingReceiver {
  /** Every request, in arrival order. */
  readonly receptions: Reception[] = [];
  /** Distinct webhook-ids processed so far. */
  readonly processedCount = new Counter();
  private readonly seen = new Map<string, number>();
  private readonly processed = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly name: string,
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  /** Starts a receiver on a free port. */
  static async start(name: string, behaviour: Behaviour): Promise<CountingReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new CountingReceiver(name, server, `http://127.0.0.1:${port}/${name}`);
    server.on('request', (req, res) => receiver.handle(req, res, behaviour));
    return receiver;
  }

  /** True once some request carrying `webhookId` was processed. */
  hasProcessed(webhookId: string): boolean {
    return this.processed.has(webhookId);
  }

  /** The processing receptions of each webhook-id, in arrival order. */
  processedById(): Map<string, Reception[]> {
    const byId = new Map<string, Reception[]>();
    for (const reception of this.receptions) {
      if (reception.action !== 'process') continue;
      byId.set(reception.webhookId, [...(byId.get(reception.webhookId) ?? []), reception]);
    }
    return byId;
  }

  /** Closes the server and every connection; pending answers are dropped. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, behaviour: Behaviour): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const webhookId = String(req.headers['webhook-id'] ?? '');
      const nth = this.seen.get(webhookId) ?? 0;
      this.seen.set(webhookId, nth + 1);
      const seq = seqOf(rawBody);
      const reaction = behaviour(seq, nth);
      const reception: Reception = {
        webhookId,
        seq,
        bodyHash: createHash('sha256').update(rawBody).digest('hex').slice(0, 16),
        action: reaction.action,
        arrivedAt: Date.now(),
      };
      this.receptions.push(reception);
      if (reaction.action === 'process' && !this.processed.has(webhookId)) {
        this.processed.add(webhookId);
        this.processedCount.increment();
      }
      // Hookway may have given up already (its deadline passed); the answer then goes nowhere.
      res.on('error', () => undefined);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        reception.answeredAt = Date.now();
        if (reaction.action === 'reset') req.socket.destroy();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, reaction.delayMs);
      this.timers.add(timer);
    });
  }
}
