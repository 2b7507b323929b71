import type { Database } from './database';

/** An entry of the event-type catalog. */
export interface EventTypeRecord {
  name: string;
  description: string;
  /** The JSON Schema (2020-12) payloads of this type must satisfy; null for none. */
  schema: Record<string, unknown> | null;
  /** An archived type takes no new messages nor subscriptions. */
  archived: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What publishing needs to know of a type, without its schema: enough to tell whether a cached validator is current. */
export interface EventTypeState {
  archived: boolean;
  hasSchema: boolean;
  /** Changes with every update (the update time to the microsecond). */
  version: string;
}

/** Fields a PATCH may change; absent fields stay as they are. */
export type EventTypeChanges = Partial<Pick<EventTypeRecord, 'description' | 'schema' | 'archived'>>;

interface EventTypeRow {
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
  archived: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'name, description, schema, archived, created_at, updated_at';

function toRecord(row: EventTypeRow): EventTypeRecord {
  return { name: row.name, description: row.description, schema: row.schema, archived: row.archived, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** SQL for the `event_types` catalog. */
export class EventTypesRepository {
  constructor(private readonly db: Database) {}

  /** Stores a new type; undefined when one with this name exists. */
  async insert(type: Pick<EventTypeRecord, 'name' | 'description' | 'schema' | 'archived'>): Promise<EventTypeRecord | undefined> {
    const { rows } = await this.db.query<EventTypeRow>(
      `INSERT INTO event_types (name, description, schema, archived) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [type.name, type.description, type.schema === null ? null : JSON.stringify(type.schema), type.archived],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The type with this name, or undefined. */
  async find(name: string): Promise<EventTypeRecord | undefined> {
    const { rows } = await this.db.query<EventTypeRow>(`SELECT ${COLUMNS} FROM event_types WHERE name = $1`, [name]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The type's state without its schema (cheap to read on every message), or undefined. */
  async state(name: string): Promise<EventTypeState | undefined> {
    const { rows } = await this.db.query<{ archived: boolean; has_schema: boolean; version: string }>(
      'SELECT archived, schema IS NOT NULL AS has_schema, updated_at::text AS version FROM event_types WHERE name = $1',
      [name],
    );
    return rows[0] ? { archived: rows[0].archived, hasSchema: rows[0].has_schema, version: rows[0].version } : undefined;
  }

  /** The type's schema with its version, or undefined when it has none (or no such type). */
  async schemaOf(name: string): Promise<{ schema: Record<string, unknown>; version: string } | undefined> {
    const { rows } = await this.db.query<{ schema: Record<string, unknown>; version: string }>(
      'SELECT schema, updated_at::text AS version FROM event_types WHERE name = $1 AND schema IS NOT NULL',
      [name],
    );
    return rows[0];
  }

  /** The archived types among `names`. */
  async archivedAmong(names: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ name: string }>('SELECT name FROM event_types WHERE name = ANY ($1) AND archived ORDER BY name', [names]);
    return rows.map((r) => r.name);
  }

  /** Types by name, `limit` at a time after `after`; archived ones only when asked. */
  async list(limit: number, after: string | undefined, includeArchived: boolean): Promise<EventTypeRecord[]> {
    const { rows } = await this.db.query<EventTypeRow>(
      `SELECT ${COLUMNS} FROM event_types WHERE name > coalesce($2::text, '') AND ($3::boolean OR NOT archived) ORDER BY name LIMIT $1`,
      [limit, after ?? null, includeArchived],
    );
    return rows.map(toRecord);
  }

  /** Applies `changes`; undefined when there is no such type. */
  async update(name: string, changes: EventTypeChanges): Promise<EventTypeRecord | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [name];
    if (changes.description !== undefined) {
      params.push(changes.description);
      sets.push(`description = $${params.length}`);
    }
    if (changes.schema !== undefined) {
      params.push(changes.schema === null ? null : JSON.stringify(changes.schema));
      sets.push(`schema = $${params.length}`);
    }
    if (changes.archived !== undefined) {
      params.push(changes.archived);
      sets.push(`archived = $${params.length}`);
    }
    // clock_timestamp(), not now(): two changes in one transaction still get distinct versions.
    const { rows } = await this.db.query<EventTypeRow>(
      `UPDATE event_types SET ${[...sets, 'updated_at = clock_timestamp()'].join(', ')} WHERE name = $1 RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}
