import { Injectable } from '@nestjs/common';
import { OutboxRepository } from '../../db/outbox.repository';
import { StatsRepository } from '../../db/stats.repository';
import { parseDuration } from '../../domain/duration';
import { InvalidFieldError } from '../../domain/errors';
import type { StatsView } from './stats.view';

const MAX_WINDOW_MS = 31 * 86_400_000;

/** Computes the four headline figures and the outbox backlog from PostgreSQL. */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * The figures of every application, or of `applicationId`'s only.
   * @throws InvalidFieldError naming `window` unless it is a duration from 1 ms to 31 days.
   */
  async figures(window: string, applicationId?: string): Promise<StatsView> {
    const windowMs = parseDuration(window);
    if (windowMs === undefined || windowMs <= 0 || windowMs > MAX_WINDOW_MS) {
      throw new InvalidFieldError('window', 'window must be a duration like 15m, 1h, 24h or 7d, at most 31d');
    }
    const [figures, outboxPending] = await Promise.all([this.stats.headlineFigures(windowMs, applicationId), this.outbox.pending(applicationId)]);
    return { window, ...figures, outboxPending };
  }
}
