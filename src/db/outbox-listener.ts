import { Client } from 'pg';
import type { Logger } from '../logging/logger';
import { outboxBackoffMs } from '../temporal/outbox-plan';

/** The channel migration 024's trigger notifies when a statement adds outbox rows. */
export const OUTBOX_CHANNEL = 'hookway_outbox';

/** How the listener reconnects after its connection is lost. */
export interface ListenerRetry {
  initialMs: number;
  maxMs: number;
}

/**
 * Listens on a PostgreSQL connection of its own for new outbox rows, from any process, and calls
 * `onRows` for each notification, and once after every (re)connection since rows may have come while it
 * was not listening. A lost connection is reconnected with a growing wait; the outbox starter's own
 * polling covers the gap.
 */
export class OutboxListener {
  private client: Client | undefined;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly onRows: () => void,
    private readonly logger: Logger,
    private readonly retry: ListenerRetry = { initialMs: 500, maxMs: 10_000 },
  ) {}

  /** Connects and listens, in the background. */
  start(): void {
    void this.connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // Keep-alive probes end a connection whose server went away without a word, so it is reconnected.
    const client = new Client({ connectionString: this.connectionString, connectionTimeoutMillis: 5_000, keepAlive: true });
    // A connection lost while listening emits 'error' and then 'end'; both lead to one reconnection.
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      if (!this.stopped) this.reconnectLater(error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', () => this.onRows());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures > 0) this.logger.info({ after: this.failures }, 'outbox listener: listening again');
    this.failures = 0;
    this.onRows();
  }

  private reconnectLater(error: Error | undefined): void {
    this.failures += 1;
    const waitMs = outboxBackoffMs(this.failures, this.retry.initialMs, this.retry.maxMs);
    if (this.failures === 1 || waitMs === this.retry.maxMs) {
      this.logger.warn({ err: error, failures: this.failures, retryInMs: waitMs }, 'outbox listener: connection lost; new messages are started by polling meanwhile');
    }
    this.retryTimer = setTimeout(() => void this.connect(), waitMs);
    this.retryTimer.unref();
  }
}
