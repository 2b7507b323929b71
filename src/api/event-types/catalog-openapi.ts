import type { OpenAPIObject } from '@nestjs/swagger';
import type { EventTypeRecord } from '../../db/event-types.repository';

/** The most catalogued types one document shows (the catalog pages the rest). */
export const DOCUMENTED_EVENT_TYPES = 500;

/** The tag whose description lists the catalog, read by people in the Swagger UI. */
export const EVENT_TYPES_TAG = 'event types';

/** The component under which a catalogued type's payload schema is shown. */
export function eventTypeSchemaName(name: string): string {
  // Component names may hold only letters, digits, `.`, `-` and `_`; event types may also hold `:`.
  return `event-type.${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * The served document with the live event-type catalog in it: each type that is not archived is listed,
 * with its description, in the description of the `event types` tag, and its payload schema (the `data`
 * of the webhooks its endpoints receive) is a component named by {@link eventTypeSchemaName}. The
 * document built at start-up is left as it is.
 */
export function withCatalog(document: OpenAPIObject, types: EventTypeRecord[]): OpenAPIObject {
  const listed = types.filter((type) => !type.archived).slice(0, DOCUMENTED_EVENT_TYPES);
  if (listed.length === 0) return document;
  const lines = listed.map((type) => {
    const schema = type.schema ? ` Payload: \`${eventTypeSchemaName(type.name)}\` (Schemas).` : ' No schema: any JSON object.';
    const said = type.description ? `: ${type.description.replace(/\.$/, '')}` : '';
    return `- \`${type.name}\`${said}.${schema}`;
  });
  const description = `The event types of the catalog (\`GET /v1/event-types\`), which messages may have and endpoints subscribe to:\n\n${lines.join('\n')}`;
  const schemas = Object.fromEntries(
    listed.filter((type) => type.schema).map((type) => [eventTypeSchemaName(type.name), { description: type.description || type.name, ...type.schema }]),
  );
  return {
    ...document,
    tags: [...(document.tags ?? []).filter((tag) => tag.name !== EVENT_TYPES_TAG), { name: EVENT_TYPES_TAG, description }],
    components: { ...document.components, schemas: { ...document.components?.schemas, ...schemas } },
  };
}
