import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { matchNamespaceRetention, namespaceRetentionMs } from '../temporal/namespace-retention';
import { ensureSearchAttributes } from '../temporal/search-attributes';

/** gRPC status ALREADY_EXISTS: the namespace was registered by an earlier start. */
const ALREADY_EXISTS = 6;


/** `HOOKWAY_RETENTION`'s default, for callers without a configuration. */
const DEFAULT_RETENTION_MS = 30 * 86_400_000;

/** The namespace never became usable with Hookway's search attributes. */
export class NamespaceNotReadyError extends Error {
  constructor(
    readonly namespace: string,
    readonly lastError: unknown,
  ) {
    super(`namespace ${namespace} did not accept a search by EndpointId in time: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = 'NamespaceNotReadyError';
  }
}

/**
 * Registers `namespace` (a plain Temporal server, unlike the dev server, starts with none) and Hookway's
 * search attributes, then waits until a visibility query on them succeeds: the frontend learns of both
 * through caches that refresh every few seconds, and Hookway's first workflow start must not race them.
 */
export async function prepareNamespace(address: string, namespace: string, retentionMs = DEFAULT_RETENTION_MS, waitMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      // Closed workflows stay visible, and their histories kept, as long as Hookway keeps their rows.
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(namespaceRetentionMs(retentionMs)) });
    } catch (error) {
      if (!(isGrpcServiceError(error) && error.code === ALREADY_EXISTS)) throw error;
      // Registered by an earlier start, perhaps with another HOOKWAY_RETENTION.
      await matchNamespaceRetention(connection, namespace, retentionMs);
    }
    const deadline = Date.now() + waitMs;
    let lastError: unknown;
    for (;;) {
      try {
        // Registering before the namespace is known answers NOT_FOUND, so it is inside the retry.
        await ensureSearchAttributes(connection, namespace);
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query: `EndpointId = 'probe'` });
        return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) throw new NamespaceNotReadyError(namespace, lastError);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await connection.close();
  }
}
