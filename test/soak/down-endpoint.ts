import http from 'node:http';
import { Client as PgClient } from 'pg';
import { freePort } from '../../src/runtime/ports';
import type { ReliabilityStack } from '../reliability/harness';
import { Producer, type MessageOutcome, type PlannedMessage } from '../reliability/producer';
import { sleep } from '../reliability/time';

/** The event type only the down endpoint subscribes to. */
export const DOWN_EVENT_TYPE = 'soak.down';
/** The fast schedule: a delivery to a dead receiver is dead-lettered within seconds. */
const FAST_SCHEDULE = { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 60_000 };

/** What happened to the down endpoint's messages. */
export interface DeadLetterFigures {
  /** Messages accepted for it. */
  accepted: number;
  /** Its open dead letters when it came back (rows in PostgreSQL). */
  openAtComeBack: number;
  /** Seconds from the last message until every one of them was dead-lettered; null when not within the wait. */
  deadLetteredSeconds: number | null;
  /** `count` of `POST /v1/endpoints/:id/dead-letters/retry`; null when it did not answer 202. */
  redriveCount: number | null;
  redriveAnswer: string;
  /** Accepted messages its receiver processed once it was back. */
  deliveredAfterRedrive: number;
  /** Processings beyond the first of one webhook-id. */
  duplicates: number;
  /** Accepted and not processed when the wait ended. */
  undelivered: number;
  /** Its open dead letters at the end. */
  openAtEnd: number;
  /** Seconds from the redrive request until the last of them arrived (or the wait ended). */
  redriveSeconds: number;
  /** Redriven messages arriving per second. */
  redrivePerSec: number;
}

/**
 * An endpoint subscribed to `soak.down` whose port nobody listens on (connection refused at once), so every
 * message to it is dead-lettered; later a receiver starts on that same port (the endpoint "comes back")
 * and the dead letters are redriven through the API.
 */
export class DownEndpoint {
  /** Processings per webhook-id once it is back. */
  readonly processed = new Map<string, number>();
  private server: http.Server | undefined;
  private readonly producer: Producer;
  private readonly outcomes: MessageOutcome[] = [];

  private constructor(
    private readonly stack: ReliabilityStack,
    private readonly port: number,
    /** Its id in Hookway. */
    readonly endpointId: string,
  ) {
    this.producer = new Producer(stack.apiUrl, stack.apiHeaders);
  }

  /** Registers the endpoint at a free port where nothing listens. */
  static async create(stack: ReliabilityStack): Promise<DownEndpoint> {
    const port = await freePort();
    const response = await fetch(`${stack.apiUrl}/v1/endpoints`, {
      method: 'POST',
      headers: { ...stack.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/down`, eventTypes: [DOWN_EVENT_TYPE], retryPolicy: FAST_SCHEDULE, timeoutMs: 5_000 }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /v1/endpoints answered ${response.status}: ${text}`);
    return new DownEndpoint(stack, port, (JSON.parse(text) as { id: string }).id);
  }

  /** Messages accepted for it so far. */
  get accepted(): number {
    return this.outcomes.filter((o) => o.accepted).length;
  }

  /**
   * Posts messages `from`..`from + count - 1` at `ratePerSecond` (alongside a round, through its fault),
   * then sends the refused ones again until accepted. Call only while the stack is up at the end.
   */
  async post(from: number, count: number, ratePerSecond: number): Promise<void> {
    const plan: PlannedMessage[] = Array.from({ length: count }, (_, i) => ({
      seq: from + i,
      id: `soak-down.${from + i}`,
      eventType: DOWN_EVENT_TYPE,
      receiver: 'down',
    }));
    this.outcomes.push(...(await this.producer.burst(plan, { ratePerSecond, concurrency: 4 })));
  }

  /** Sends every refused message again, same id, until accepted (the stack must be up). */
  async resendRefused(): Promise<void> {
    await this.producer.resend(this.outcomes);
  }

  private async openDeadLetters(): Promise<number> {
    const pg = new PgClient({ connectionString: this.stack.postgres.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters WHERE endpoint_id = $1 AND resolved_at IS NULL', [this.endpointId]);
      return rows[0].n;
    } finally {
      await pg.end();
    }
  }

  /** Waits (at most `timeoutMs`) until every accepted message is an open dead letter. @returns seconds, or null. */
  async untilAllDeadLettered(timeoutMs: number): Promise<number | null> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if ((await this.openDeadLetters().catch(() => 0)) >= this.accepted) return Math.round((Date.now() - started) / 1000);
      await sleep(2_000);
    }
    return null;
  }

  /** Starts a receiver on the endpoint's port, answering 200 to everything and counting webhook-ids. */
  async comeBack(): Promise<void> {
    const server = http.createServer((req, res) => {
      const id = req.headers['webhook-id'];
      req.resume();
      req.on('end', () => {
        if (typeof id === 'string') this.processed.set(id, (this.processed.get(id) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /**
   * Brings the endpoint back, asks the API to redrive its dead letters, and waits (at most `timeoutMs`)
   * until every accepted message arrived.
   */
  async comeBackAndRedrive(deadLetterWaitMs: number, timeoutMs: number, say: (line: string) => void): Promise<DeadLetterFigures> {
    const deadLetteredSeconds = await this.untilAllDeadLettered(deadLetterWaitMs);
    const openAtComeBack = await this.openDeadLetters();
    say(`down endpoint: ${openAtComeBack} open dead letters of ${this.accepted} accepted; it comes back and they are redriven`);
    await this.comeBack();
    const started = Date.now();
    const response = await fetch(`${this.stack.apiUrl}/v1/endpoints/${this.endpointId}/dead-letters/retry`, {
      method: 'POST',
      headers: this.stack.apiHeaders,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const redriveAnswer = `${response.status} ${text.slice(0, 200)}`;
    const redriveCount = response.status === 202 ? ((JSON.parse(text) as { count?: number }).count ?? null) : null;
    const ids = this.outcomes.filter((o) => o.accepted).map((o) => o.message.id);
    for (let reported = Date.now(); Date.now() - started < timeoutMs; ) {
      const arrived = ids.filter((id) => this.processed.has(id)).length;
      if (arrived >= ids.length) break;
      if (Date.now() - reported > 60_000) {
        say(`down endpoint: ${arrived} of ${ids.length} redriven messages arrived`);
        reported = Date.now();
      }
      await sleep(1_000);
    }
    const waited = Date.now() - started;
    const delivered = ids.filter((id) => this.processed.has(id)).length;
    return {
      accepted: ids.length,
      openAtComeBack,
      deadLetteredSeconds,
      redriveCount,
      redriveAnswer,
      deliveredAfterRedrive: delivered,
      duplicates: [...this.processed.values()].reduce((sum, n) => sum + n - 1, 0),
      undelivered: ids.length - delivered,
      openAtEnd: await this.openDeadLetters().catch(() => -1),
      redriveSeconds: Math.round(waited / 1000),
      redrivePerSec: waited > 0 ? Math.round((delivered * 10_000) / waited) / 10 : 0,
    };
  }

  /** Stops its receiver, if it came back. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
