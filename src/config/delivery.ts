import { ConfigError, readDuration, readInt, readNumber, type Env } from './env';

/** Retry schedule applied to an endpoint's deliveries (the field report's default: 5 retries, 60 s first). */
export interface RetryPolicySettings {
  /** Total attempts including the first. @default 6 */
  maxAttempts: number;
  /** Delay before the first retry, in ms. @default 60000 */
  initialIntervalMs: number;
  /** Multiplier applied to the delay after each retry. @default 2 */
  backoffCoefficient: number;
  /** Upper bound of any single delay, in ms. @default 3600000 */
  maxIntervalMs: number;
}

/** What deliveries do when endpoints set nothing, and how failing endpoints are treated. */
export interface DeliverySettings {
  /** `HOOKWAY_DEFAULT_TIMEOUT_MS`: per-attempt deadline for endpoints that set none. @default 15000 */
  defaultTimeoutMs: number;
  /** Retry schedule of endpoints that set none (`HOOKWAY_RETRY_*`). */
  defaultRetryPolicy: RetryPolicySettings;
  /**
   * `HOOKWAY_CIRCUIT_THRESHOLD`: failed attempts in a row (no success between) that open an endpoint's
   * circuit, parking its deliveries until a probe succeeds; 0 never opens it. @default 20
   */
  circuitThreshold: number;
  /** `HOOKWAY_CIRCUIT_RELEASE_PER_SECOND`: parked deliveries released per second once a circuit closes. @default 100 */
  circuitReleasePerSecond: number;
  /** `HOOKWAY_DISABLE_AFTER`: disable an endpoint whose deliveries all failed this long (`5d`, `12h`, `30s`, ms). @default 5d */
  disableAfterMs: number;
  /** `HOOKWAY_REDRIVE_INTERVAL_MS`: pause between two redriven dead letters of one endpoint. @default 1000 */
  redriveIntervalMs: number;
}

function readRetryPolicy(env: Env): RetryPolicySettings {
  const policy: RetryPolicySettings = {
    maxAttempts: readInt(env, 'HOOKWAY_RETRY_MAX_ATTEMPTS', 6, 1, 100),
    initialIntervalMs: readInt(env, 'HOOKWAY_RETRY_INITIAL_INTERVAL_MS', 60_000, 1, 86_400_000),
    backoffCoefficient: readNumber(env, 'HOOKWAY_RETRY_BACKOFF_COEFFICIENT', 2, 1, 100),
    maxIntervalMs: readInt(env, 'HOOKWAY_RETRY_MAX_INTERVAL_MS', 3_600_000, 1, 7 * 86_400_000),
  };
  if (policy.maxIntervalMs < policy.initialIntervalMs) {
    throw new ConfigError('HOOKWAY_RETRY_MAX_INTERVAL_MS', 'must not be below HOOKWAY_RETRY_INITIAL_INTERVAL_MS');
  }
  return policy;
}

/** Reads {@link DeliverySettings}. */
export function readDeliverySettings(env: Env): DeliverySettings {
  return {
    defaultTimeoutMs: readInt(env, 'HOOKWAY_DEFAULT_TIMEOUT_MS', 15_000, 100, 300_000),
    defaultRetryPolicy: readRetryPolicy(env),
    circuitThreshold: readInt(env, 'HOOKWAY_CIRCUIT_THRESHOLD', 20, 0, 1_000_000),
    circuitReleasePerSecond: readInt(env, 'HOOKWAY_CIRCUIT_RELEASE_PER_SECOND', 100, 1, 100_000),
    disableAfterMs: readDuration(env, 'HOOKWAY_DISABLE_AFTER', 5 * 86_400_000, 1_000),
    redriveIntervalMs: readInt(env, 'HOOKWAY_REDRIVE_INTERVAL_MS', 1000, 0, 3_600_000),
  };
}
