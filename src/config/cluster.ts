import { readInt, type Env } from './env';

/** The topology `npm run start:cluster` runs. */
export interface ClusterSettings {
  /** `HOOKWAY_WORKERS`: worker processes it starts. @default 3 */
  workers: number;
  /** `HOOKWAY_APIS`: API processes it starts, on `PORT`, `PORT+1`, ... @default 2 */
  apis: number;
  /** `HOOKWAY_TEMPORAL_HISTORY_SHARDS`: history shards of the Temporal cluster it creates; fixed at its first start. @default 4 */
  historyShards: number;
}

/** Reads {@link ClusterSettings}. */
export function readClusterSettings(env: Env): ClusterSettings {
  return {
    workers: readInt(env, 'HOOKWAY_WORKERS', 3, 1, 64),
    apis: readInt(env, 'HOOKWAY_APIS', 2, 1, 64),
    historyShards: readInt(env, 'HOOKWAY_TEMPORAL_HISTORY_SHARDS', 4, 1, 16_384),
  };
}
