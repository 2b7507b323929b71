import type { AttemptRecord, DeliveryRecord } from '../../db/deliveries.repository';

/** A delivery with every attempt, and the link that opens its workflow in the Temporal Web UI. */
export interface DeliveryView {
  id: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  status: string;
  /** Set while the delivery waits for its endpoint's circuit to close (no attempts meanwhile). */
  parkedAt: string | null;
  /**
   * While parked: when it is dead-lettered (reason `circuit_open`, no further attempt) if the circuit is
   * still open then, which is when its retry schedule would have ended.
   */
  parkedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  temporalUiUrl: string;
  attempts: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    statusCode?: number;
    error?: string;
    responseBody?: string;
    retryAfterMs?: number;
  }[];
}

/** The delivery as the API shows it; `temporalUiUrl` is the link to its workflow in the Web UI. */
export function toDeliveryView(delivery: DeliveryRecord, attempts: AttemptRecord[], temporalUiUrl: string): DeliveryView {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    workflowId: delivery.workflowId,
    status: delivery.status,
    parkedAt: delivery.status === 'pending' ? (delivery.parkedAt?.toISOString() ?? null) : null,
    parkedUntil: delivery.status === 'pending' ? (delivery.parkedUntil?.toISOString() ?? null) : null,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    temporalUiUrl,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
      ...(a.error !== null ? { error: a.error } : {}),
      ...(a.responseBody ? { responseBody: a.responseBody } : {}),
      ...(a.retryAfterMs !== null ? { retryAfterMs: a.retryAfterMs } : {}),
    })),
  };
}
