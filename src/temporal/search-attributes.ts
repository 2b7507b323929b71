import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { HOOKWAY_SEARCH_ATTRIBUTES } from '../../workflows/definitions';

/**
 * Registers the Keyword search attributes delivery workflows carry (`ApplicationId`, `EndpointId`,
 * `EventType`, `MessageId`) when the namespace lacks them. The dev server gets them at start; a cluster gets them here.
 */
export async function ensureSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = HOOKWAY_SEARCH_ATTRIBUTES.map((key) => key.name).filter((name) => !known.has(name));
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(
    missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  return missing;
}
