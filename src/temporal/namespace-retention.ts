import type { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

/** Temporal refuses a local namespace's retention below one hour. */
const MIN_RETENTION_MS = 3_600_000;

/** The namespace retention matching Hookway's: the same period, raised to Temporal's one-hour minimum. */
export function namespaceRetentionMs(retentionMs: number): number {
  return Math.max(MIN_RETENTION_MS, retentionMs);
}

/**
 * Sets how long Temporal keeps the namespace's closed workflows to Hookway's retention, so a delivery's
 * history goes about when its rows in PostgreSQL do (see {@link namespaceRetentionMs}).
 * @returns the retention set, in ms, or undefined when it already had it.
 */
export async function matchNamespaceRetention(connection: Connection, namespace: string, retentionMs: number): Promise<number | undefined> {
  const wanted = namespaceRetentionMs(retentionMs);
  const { config } = await connection.workflowService.describeNamespace({ namespace });
  if (config?.workflowExecutionRetentionTtl && tsToMs(config.workflowExecutionRetentionTtl) === wanted) return undefined;
  await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(wanted) } });
  return wanted;
}
