import { readBool, readInt, type Env } from './env';

/** What `/metrics` reports and where a lone worker serves it. */
export interface MetricsSettings {
  /**
   * `HOOKWAY_METRICS_EVENT_TYPES`: distinct `event_type` label values one process reports, the first seen;
   * later ones are reported as `other`, so caller-chosen strings cannot grow the series. 0 reports all as `other`. @default 50
   */
  eventTypes: number;
  /**
   * `HOOKWAY_METRICS_APPLICATIONS`: distinct `application_id` label values one process reports, the first seen;
   * later ones are reported as `other`, so the number of customers cannot grow the series. 0 reports all as `other`. @default 50
   */
  applications: number;
  /** `HOOKWAY_METRICS_PER_ENDPOINT`: `false` drops the `endpoint_id` label, for deployments with many endpoints. @default true */
  perEndpoint: boolean;
  /** `HOOKWAY_WORKER_METRICS_PORT`: where a worker running without the API serves `/metrics`. @default 9464 */
  workerPort: number;
}

/** Reads {@link MetricsSettings}. */
export function readMetricsSettings(env: Env): MetricsSettings {
  return {
    eventTypes: readInt(env, 'HOOKWAY_METRICS_EVENT_TYPES', 50, 0, 10_000),
    applications: readInt(env, 'HOOKWAY_METRICS_APPLICATIONS', 50, 0, 10_000),
    perEndpoint: readBool(env, 'HOOKWAY_METRICS_PER_ENDPOINT', true),
    workerPort: readInt(env, 'HOOKWAY_WORKER_METRICS_PORT', 9464, 0, 65535),
  };
}
