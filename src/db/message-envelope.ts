/** A message without its payload: what starting its deliveries needs. */
export interface MessageEnvelope {
  /** The caller's id (or a generated one): unique within its application, and the `webhook-id` receivers dedupe on. */
  id: string;
  eventType: string;
  /** Messages with one key reach each endpoint in the order they were accepted; null for no order. */
  orderingKey: string | null;
  createdAt: Date;
}
