import type { OutboxEntry, OutboxRepository } from '../db/outbox.repository';
import type { Logger } from '../logging/logger';
import { deliveryInputFor } from './delivery-input';
import { forEachLimited } from './for-each-limited';
import type { DeliveryStarter } from './delivery-starter';
import type { OrderedStreamSignals } from './ordered-stream-signals';
import type { StartGate } from './start-gate';
import { outboxBackoffMs, planOutbox } from './outbox-plan';

/** How the starter drains the outbox. */
export interface OutboxSettings {
  /** Rows one claim takes. */
  batch: number;
  /** Start (or wake) calls in flight at once within a claim. */
  concurrency: number;
  /** How often it looks even when not kicked: for rows no other process took, or left by one that died. */
  pollIntervalMs: number;
  /** How old a row must be before this starter claims it: 0 in a worker's process; an API's alone leaves rows to the workers first. */
  minAgeMs: number;
  /** First and longest wait after a claim in which Temporal failed. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How soon it looks again when the start gate left no room. */
  gateWaitMs: number;
}

/** Defaults every process uses. */
export const OUTBOX_SETTINGS: OutboxSettings = {
  batch: 200,
  concurrency: 32,
  pollIntervalMs: 1_000,
  minAgeMs: 0,
  initialBackoffMs: 250,
  maxBackoffMs: 10_000,
  gateWaitMs: 200,
};

/** What one claim did. */
export interface DrainResult {
  claimed: number;
  /** Rows may remain for another claim right away. */
  more: boolean;
  started: number;
  woken: number;
  dropped: number;
  failed: number;
}

/**
 * Hands accepted deliveries to Temporal from the outbox (`delivery_outbox`), so producers never wait on
 * Temporal: the API answers once PostgreSQL holds the message, and the commit's notification makes each
 * worker's OutboxListener {@link kick} this. Every API and worker process runs one; claims skip rows
 * another process holds, and the workflow ID keeps a start idempotent should two ever overlap. A row is
 * deleted only once Temporal holds its start (or it is owed nothing): a failed start leaves it for the
 * next pass, after a backoff that grows while Temporal stays away.
 */
export class OutboxStarter {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private pausedUntil = 0;
  private stopped = false;
  private roomTimer: NodeJS.Timeout | undefined;
  // Where the next claim's round over endpoints goes on.
  private after = '';

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly starter: DeliveryStarter,
    private readonly streams: OrderedStreamSignals,
    private readonly logger: Logger,
    private readonly settings: OutboxSettings = OUTBOX_SETTINGS,
    private readonly gate?: Pick<StartGate, 'room' | 'unused'>,
  ) {}

  /** Drains now (or right after the pass in progress): something was just accepted. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    if (Date.now() < this.pausedUntil) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Polls every `pollIntervalMs` until {@link stop}. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for the pass in progress; rows not yet started stay for another process. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.roomTimer);
    await this.draining;
  }

  // Claims while a claim says rows may remain and none fails (and the gate has room), then again if kicked meanwhile.
  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        // Past the gate's bound, deliveries wait here until Temporal's workers catch up.
        const room = this.gate ? this.gate.room(this.settings.batch) : this.settings.batch;
        if (room === 0) {
          this.lookAgainSoon();
          return;
        }
        let result: DrainResult;
        try {
          result = await this.drainOnce(room);
        } catch (error) {
          result = { claimed: 0, more: false, started: 0, woken: 0, dropped: 0, failed: 1 };
          this.logger.warn({ err: error }, 'outbox: could not claim rows from PostgreSQL; will try again');
        }
        this.gate?.unused(room - result.started - result.woken);
        if (result.failed > 0) {
          this.failures += 1;
          const waitMs = outboxBackoffMs(this.failures, this.settings.initialBackoffMs, this.settings.maxBackoffMs);
          this.pausedUntil = Date.now() + waitMs;
          if (this.failures === 1 || waitMs === this.settings.maxBackoffMs) {
            this.logger.warn({ failures: this.failures, retryInMs: waitMs }, 'outbox: deliveries wait to be started; will try again');
          }
          this.again = false;
          return;
        }
        if (this.failures > 0) this.logger.info({ after: this.failures }, 'outbox: starting deliveries again');
        this.failures = 0;
        if (this.stopped || !result.more) break;
      }
    } while (this.again && !this.stopped);
  }

  private lookAgainSoon(): void {
    if (this.roomTimer || this.stopped) return;
    this.roomTimer = setTimeout(() => {
      this.roomTimer = undefined;
      this.kick();
    }, this.settings.gateWaitMs);
    this.roomTimer.unref();
  }

  /**
   * One claim of about `limit` rows, a share per endpoint, going on round the endpoints from the last claim:
   * starts, wakes or drops each row it takes, and deletes those done.
   */
  async drainOnce(limit = this.settings.batch): Promise<DrainResult> {
    const result: DrainResult = { claimed: 0, more: false, started: 0, woken: 0, dropped: 0, failed: 0 };
    const claim = await this.outbox.claim(limit, this.after, this.settings.minAgeMs, async (entries) => {
      const plan = planOutbox(entries);
      const done = [...plan.drop];
      result.dropped = plan.drop.length;
      let firstError: unknown;
      const calls: (() => Promise<string[]>)[] = [
        ...plan.wake.map((stream) => async () => {
          await this.streams.wake({ endpointId: stream.endpointId, orderingKey: stream.orderingKey });
          result.woken += 1;
          return stream.deliveryIds;
        }),
        ...plan.start.map((entry) => async () => this.startOne(entry, result)),
      ];
      // Once one call fails (Temporal away), the rest of the claim waits for the next pass instead of each
      // waiting out the client's own retries.
      await forEachLimited(calls, this.settings.concurrency, async (call) => {
        try {
          done.push(...(await call()));
          return true;
        } catch (error) {
          firstError ??= error;
          result.failed += 1;
          return false;
        }
      });
      if (firstError !== undefined && this.failures === 0) this.logger.warn({ err: firstError }, 'outbox: Temporal did not take a start');
      return done;
    });
    this.after = claim.next;
    result.claimed = claim.claimed;
    result.more = claim.more;
    return result;
  }

  private async startOne(entry: OutboxEntry, result: DrainResult): Promise<string[]> {
    const { input, memo } = deliveryInputFor(entry.message, entry.delivery, entry.endpoint);
    if (await this.starter.start(entry.delivery.workflowId, input, memo)) result.started += 1;
    return [entry.delivery.id];
  }
}
