import type { Dispatcher } from 'undici';
import type { CircuitsRepository } from '../src/db/circuits.repository';
import type { DeadLettersRepository } from '../src/db/dead-letters.repository';
import type { DeliveriesRepository } from '../src/db/deliveries.repository';
import type { EndpointsRepository } from '../src/db/endpoints.repository';
import type { RetentionRepository } from '../src/db/retention.repository';
import type { ThrottlesRepository } from '../src/db/throttles.repository';
import type { Logger } from '../src/logging/logger';
import type { HostResolver } from '../src/security/host-resolver';
import type { DeliveryMetrics } from '../src/metrics/delivery-metrics';
import type { CircuitSignals } from '../src/temporal/circuit-signals';
import type { CircuitStepper } from '../src/temporal/circuit-stepper';
import type { DeadLetterRetrier } from '../src/temporal/dead-letter-retrier';
import type { DeadLetterSignals } from '../src/temporal/dead-letter-signals';
import type { OrderedStreamAdvancer } from '../src/temporal/ordered-stream-advancer';
import type { OrderedStreamSignals } from '../src/temporal/ordered-stream-signals';
import type { Alerter } from './alerts';

/** What the activities need from the outside world; the worker builds one and owns its resources. */
export interface ActivityDeps {
  endpoints: EndpointsRepository;
  deliveries: DeliveriesRepository;
  deadLetters: DeadLettersRepository;
  throttles: ThrottlesRepository;
  retention: RetentionRepository;
  deadLetterSignals: DeadLetterSignals;
  deadLetterRetrier: DeadLetterRetrier;
  streamAdvancer: OrderedStreamAdvancer;
  streamSignals: OrderedStreamSignals;
  circuits: CircuitsRepository;
  circuitSignals: CircuitSignals;
  circuitStepper: CircuitStepper;
  /** Failed attempts in a row that open an endpoint's circuit (0: never). */
  circuitThreshold: number;
  alerter: Alerter;
  /** Open dead letters of one endpoint at which a `dead_letter_threshold` alert is raised. */
  deadLetterAlertThreshold: number;
  /** undici dispatcher with keep-alive pools per origin. */
  http: Dispatcher;
  /** The resolver `http`'s connector uses: each attempt resolves its host first, within its deadline. */
  resolver: HostResolver;
  /** An endpoint whose deliveries all failed for this long is disabled. */
  disableAfterMs: number;
  metrics: DeliveryMetrics;
  logger: Logger;
}
