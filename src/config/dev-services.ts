import { readInt, type Env } from './env';

/** Ports of the services `npm start` (and `npm run start:cluster`) runs itself when none is configured. */
export interface DevServiceSettings {
  /** `HOOKWAY_EMBEDDED_PG_PORT`: port of the embedded PostgreSQL. @default 54329 */
  postgresPort: number;
  /** `HOOKWAY_TEMPORAL_PORT`: gRPC port of the Temporal dev server (or the cluster's frontend). @default 7233 */
  temporalPort: number;
  /** `HOOKWAY_TEMPORAL_UI_PORT`: Web UI port of that dev server or cluster. @default 8233 */
  temporalUiPort: number;
}

/** Reads {@link DevServiceSettings}. */
export function readDevServiceSettings(env: Env): DevServiceSettings {
  return {
    postgresPort: readInt(env, 'HOOKWAY_EMBEDDED_PG_PORT', 54329, 1, 65535),
    temporalPort: readInt(env, 'HOOKWAY_TEMPORAL_PORT', 7233, 1, 65535),
    temporalUiPort: readInt(env, 'HOOKWAY_TEMPORAL_UI_PORT', 8233, 1, 65535),
  };
}
