import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  DEAD_LETTERED_FAILURE_TYPE,
  type AttemptFailureDetails,
  type DeliveryInput,
  type DeliveryResult,
  type DeliveryRetryPolicy,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// The HTTP deadline is enforced inside the activity; this margin only covers loading the endpoint and
// recording the attempt, so a stuck worker is noticed and the attempt retried elsewhere.
const ACTIVITY_OVERHEAD_MS = 10_000;

// Bookkeeping must eventually happen even through a long PostgreSQL outage, so it retries without limit.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function httpActivities(policy: DeliveryRetryPolicy, timeoutMs: number): Activities {
  return proxyActivities<Activities>({
    startToCloseTimeout: timeoutMs + ACTIVITY_OVERHEAD_MS,
    retry: {
      maximumAttempts: policy.maxAttempts,
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maxIntervalMs,
    },
  });
}

function attemptDetails(failure: ActivityFailure): AttemptFailureDetails {
  const cause = failure.cause;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as AttemptFailureDetails | undefined;
    return details ?? { attempt: 0, reason: cause.type ?? 'unknown' };
  }
  return { attempt: 0, reason: cause?.name === 'TimeoutFailure' ? 'activity_timeout' : 'unknown' };
}

/**
 * Delivers one message to one endpoint. The HTTP attempt runs as an activity under the endpoint's retry
 * policy; when the attempts run out the delivery is dead-lettered and the workflow fails, so it shows as
 * Failed in the Web UI and `temporal workflow reset` can run it again.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const { sendWebhook } = httpActivities(input.retryPolicy, input.timeoutMs);
  try {
    const success = await sendWebhook(input);
    if (!success.recorded) {
      await bookkeeping.recordSuccess({ deliveryId: input.deliveryId, endpointId: input.endpointId }, workflowInfo().runId, success);
    }
    return { status: 'succeeded', attempts: success.attempt, statusCode: success.statusCode };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const details = attemptDetails(error);
    const message = error.cause?.message ?? error.message;
    await bookkeeping.deadLetter({
      deliveryId: input.deliveryId,
      messageId: input.messageId,
      endpointId: input.endpointId,
      workflowId: workflowInfo().workflowId,
      error: message,
      attempts: details.attempt,
    });
    throw ApplicationFailure.create({
      type: DEAD_LETTERED_FAILURE_TYPE,
      message: `dead-lettered after ${details.attempt} attempt(s): ${details.reason}: ${message}`,
      nonRetryable: true,
      details: [details],
      cause: error,
    });
  }
}
