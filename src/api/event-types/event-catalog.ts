import { Inject, Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import type { HookwayConfig } from '../../config';
import { EventTypesRepository, type EventTypeState } from '../../db/event-types.repository';
import { compilePayloadSchema, firstViolation } from '../../domain/event-types/payload-schema';
import { DependencyUnavailableError, RefusedError } from '../../domain/errors';
import { isWildcard } from '../../domain/filters/event-type-match';
import { CONFIG } from '../core/tokens';

// How long a type's state, as this process read it, serves its messages: a change made through another
// API process applies within this time, one made through this one at once.
const STATE_TTL_MS = 1_000;
// Types whose state is kept at once; past it the memory starts again (a producer inventing types cannot grow it).
const MAX_STATES = 10_000;

/**
 * What the catalog says about messages and subscriptions. Validators are compiled once per schema
 * version and kept in memory; a type's state (archived, has a schema, its version) is read from
 * PostgreSQL at most once a second per type, so most messages cost no catalog round trip, and a schema
 * changed through another API process applies within a second.
 */
@Injectable()
export class EventCatalog {
  private readonly validators = new Map<string, { version: string; validate: ValidateFunction }>();
  private readonly states = new Map<string, { state: EventTypeState | undefined; at: number }>();

  constructor(
    private readonly types: EventTypesRepository,
    @Inject(CONFIG) private readonly config: HookwayConfig,
  ) {}

  /**
   * Refuses a message the catalog does not allow: of an archived type (`event_type_archived`), of a type
   * not in the catalog when HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES is set (`unknown_event_type`), or whose
   * payload does not satisfy its type's schema (`invalid_payload`, `field` naming where, e.g. `payload/amount`).
   */
  async check(eventType: string, payload: Record<string, unknown>): Promise<void> {
    const state = await this.stateOf(eventType);
    if (!state) {
      if (this.config.api.requireKnownEventTypes) {
        throw new RefusedError('unknown_event_type', `event type ${eventType} is not in the catalog (HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES is on)`, 'eventType');
      }
      return;
    }
    if (state.archived) throw new RefusedError('event_type_archived', `event type ${eventType} is archived and takes no new messages`, 'eventType');
    if (!state.hasSchema) return;
    const validate = await this.validatorFor(eventType, state.version);
    if (!validate || validate(payload)) return;
    const violation = firstViolation(validate);
    const where = `payload${violation?.pointer ?? ''}`;
    throw new RefusedError('invalid_payload', `${where} ${violation?.message ?? 'does not satisfy the schema'} (schema of ${eventType})`, where);
  }

  /** Refuses subscribing to an archived type by its exact name (`event_type_archived`, field `eventTypes`). */
  async checkSubscribable(patterns: readonly string[] | null | undefined): Promise<void> {
    const exact = (patterns ?? []).filter((p) => !isWildcard(p));
    if (exact.length === 0) return;
    const archived = await this.read(() => this.types.archivedAmong(exact));
    if (archived.length > 0) {
      throw new RefusedError('event_type_archived', `eventTypes: ${archived.join(', ')} ${archived.length === 1 ? 'is archived and takes' : 'are archived and take'} no new subscriptions`, 'eventTypes');
    }
  }

  /** Forgets what this process read of `name`: it was just changed here, and its next message reads it again. */
  forget(name: string): void {
    this.states.delete(name);
  }

  private async stateOf(eventType: string): Promise<EventTypeState | undefined> {
    const known = this.states.get(eventType);
    if (known && Date.now() - known.at < STATE_TTL_MS) return known.state;
    const state = await this.read(() => this.types.state(eventType));
    if (this.states.size >= MAX_STATES) this.states.clear();
    this.states.set(eventType, { state, at: Date.now() });
    return state;
  }

  private async validatorFor(name: string, version: string): Promise<ValidateFunction | undefined> {
    const cached = this.validators.get(name);
    if (cached?.version === version) return cached.validate;
    const stored = await this.read(() => this.types.schemaOf(name));
    // Removed since the version was read: nothing to check.
    if (!stored) return undefined;
    const validate = compilePayloadSchema(stored.schema);
    this.validators.set(name, { version: stored.version, validate });
    return validate;
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new DependencyUnavailableError('postgres', error);
    }
  }
}
