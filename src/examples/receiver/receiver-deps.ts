import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../logging/logger';
import type { WebhookSecrets } from '../../receiver';
import type { ReceivedEvent } from './events';

/** Injection token of `ReceiverDeps`. */
export const RECEIVER_DEPS = Symbol('RECEIVER_DEPS');

/** What the example receiver runs on. The caller owns `pool` and closes it after the app. */
export interface ReceiverDeps {
  pool: Pool;
  /** The endpoint's `whsec_` secret, or several during a rotation. */
  secret: WebhookSecrets;
  logger: Logger;
  /**
   * Your own processing of each event, run once per webhook inside the transaction that stores it (use
   * `client` for writes that must commit with it). Throw to refuse: everything rolls back, the answer is
   * 500, and the sender retries.
   */
  handleEvent?: (event: ReceivedEvent, client: PoolClient) => Promise<void>;
}
