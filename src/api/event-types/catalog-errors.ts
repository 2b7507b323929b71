import type { ErrorAnswer } from '../common/openapi';

/** `400 invalid_payload`: the payload breaks its type's schema. */
export const INVALID_PAYLOAD: ErrorAnswer = {
  status: 400,
  description: '`invalid_payload`: the payload breaks its event type\'s JSON Schema; `field` is `payload` and the JSON pointer of the first failing value. Nothing was stored.',
  example: { code: 'invalid_payload', message: 'payload/amount must be >= 0 (schema of invoice.paid)', field: 'payload/amount' },
};

/** `400 unknown_event_type`: the catalog must know the type (HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES). */
export const UNKNOWN_EVENT_TYPE: ErrorAnswer = {
  status: 400,
  description: '`unknown_event_type`: HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES is on and the event-type catalog has no such type.',
  example: { code: 'unknown_event_type', message: 'event type invoice.paid is not in the catalog (HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES is on)', field: 'eventType' },
};

/** `400 event_type_archived` on a message. */
export const ARCHIVED_MESSAGE: ErrorAnswer = {
  status: 400,
  description: '`event_type_archived`: the event type is archived and takes no new messages.',
  example: { code: 'event_type_archived', message: 'event type invoice.paid is archived and takes no new messages', field: 'eventType' },
};

/** `400 event_type_archived` on a subscription. */
export const ARCHIVED_SUBSCRIPTION: ErrorAnswer = {
  status: 400,
  description: '`event_type_archived`: `eventTypes` newly names an archived event type.',
  example: { code: 'event_type_archived', message: 'eventTypes: invoice.paid is archived and takes no new subscriptions', field: 'eventTypes' },
};
