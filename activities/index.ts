import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Dispatcher } from 'undici';
import type { Logger } from '../src/logging/logger';
import type { DeadLettersRepository, NewDeadLetter } from '../src/db/dead-letters.repository';
import type { DeliveriesRepository, NewAttempt } from '../src/db/deliveries.repository';
import type { EndpointsRepository } from '../src/db/endpoints.repository';
import type { deadLetterWorkflow } from '../workflows/dead-letter.workflow';
import {
  deadLetteredSignal,
  deadLetterResolvedSignal,
  deadLetterWorkflowId,
  ENDPOINT_GONE_FAILURE_TYPE,
  type AttemptFailureDetails,
  type AttemptSuccess,
  type DeadLetterEntry,
  type DeliveryInput,
} from '../workflows/definitions';
import { postWebhook } from './http-attempt';
import { buildWebhookRequest } from './webhook-request';

/** What the activities need from the outside world; the worker builds one and owns its resources. */
export interface ActivityDeps {
  endpoints: EndpointsRepository;
  deliveries: DeliveriesRepository;
  deadLetters: DeadLettersRepository;
  /** undici dispatcher with keep-alive pools per origin. */
  http: Dispatcher;
  /** Used to signal-with-start dead-letter workflows. */
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/**
 * The delivery activities, bound to their dependencies. Workflows type their proxies with
 * `ReturnType<typeof createActivities>`.
 */
export function createActivities(deps: ActivityDeps) {
  // A delivery that succeeds after it was dead-lettered leaves its endpoint's queue.
  const resolveDeadLetter = async (endpointId: string, deliveryId: string): Promise<void> => {
    await deps.temporal.workflow.getHandle(deadLetterWorkflowId(endpointId)).signal(deadLetterResolvedSignal, { deliveryId });
  };

  return {
    /**
     * One signed HTTP attempt of a delivery. Resolves on 2xx; throws a retryable ApplicationFailure whose
     * `type` is the reason code otherwise, so Temporal's retry policy schedules the next attempt.
     */
    async sendWebhook(input: DeliveryInput): Promise<AttemptSuccess> {
      const info = Context.current().info;
      const workflowId = info.workflowExecution?.workflowId ?? input.deliveryId;
      const runId = info.workflowExecution?.runId ?? 'standalone';
      const log = deps.logger.child({
        messageId: input.messageId,
        endpointId: input.endpointId,
        workflowId,
        attempt: info.attempt,
      });
      const endpoint = await deps.endpoints.findById(input.endpointId);
      if (!endpoint) {
        const details: AttemptFailureDetails = { attempt: info.attempt, reason: ENDPOINT_GONE_FAILURE_TYPE };
        throw ApplicationFailure.nonRetryable(`endpoint ${input.endpointId} was deleted`, ENDPOINT_GONE_FAILURE_TYPE, details);
      }
      const { headers, body } = buildWebhookRequest(input, endpoint, Math.floor(Date.now() / 1000));
      const result = await postWebhook(deps.http, endpoint.url, headers, body, endpoint.timeoutMs);
      const attempt: NewAttempt = {
        deliveryId: input.deliveryId,
        runId,
        attempt: info.attempt,
        startedAt: result.startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.reason ? `${result.reason}: ${result.message}` : undefined,
      };
      if (!result.reason && result.statusCode !== undefined) {
        let recorded = true;
        try {
          if (await deps.deliveries.recordSuccess(attempt)) await resolveDeadLetter(input.endpointId, input.deliveryId);
        } catch (error) {
          recorded = false;
          log.warn({ err: error }, 'delivered, but the record did not complete; the workflow will retry it');
        }
        log.info({ statusCode: result.statusCode, durationMs: result.durationMs }, 'delivered');
        return {
          attempt: info.attempt,
          statusCode: result.statusCode,
          durationMs: result.durationMs,
          recorded,
          startedAt: result.startedAt.toISOString(),
        };
      }
      await deps.deliveries.recordAttempt(attempt).catch((error: unknown) => {
        log.warn({ err: error }, 'attempt failed and PostgreSQL did not take its record');
      });
      const reason = result.reason ?? 'unknown';
      log.info({ reason, statusCode: result.statusCode, durationMs: result.durationMs }, 'attempt failed');
      const details: AttemptFailureDetails = { attempt: info.attempt, reason, statusCode: result.statusCode };
      throw ApplicationFailure.retryable(result.message ?? reason, reason, details);
    },

    /** Records a success the HTTP activity could not record itself (PostgreSQL was away). */
    async recordSuccess(input: Pick<DeliveryInput, 'deliveryId' | 'endpointId'>, runId: string, success: AttemptSuccess): Promise<void> {
      const resolved = await deps.deliveries.recordSuccess({
        deliveryId: input.deliveryId,
        runId,
        attempt: success.attempt,
        startedAt: new Date(success.startedAt),
        durationMs: success.durationMs,
        statusCode: success.statusCode,
      });
      if (resolved) await resolveDeadLetter(input.endpointId, input.deliveryId);
    },

    /**
     * Records the dead letter in PostgreSQL and signals the endpoint's dead-letter workflow, starting it if
     * needed. Both steps are idempotent, so Temporal may retry this freely.
     */
    async deadLetter(entry: NewDeadLetter): Promise<void> {
      const record = await deps.deadLetters.record(entry);
      await deps.temporal.workflow.signalWithStart<typeof deadLetterWorkflow, [DeadLetterEntry]>(
        'deadLetterWorkflow',
        {
          workflowId: deadLetterWorkflowId(entry.endpointId),
          taskQueue: deps.taskQueue,
          args: [{ endpointId: entry.endpointId, entries: [] }],
          signal: deadLetteredSignal,
          signalArgs: [
            {
              deadLetterId: record.id,
              deliveryId: record.deliveryId,
              messageId: record.messageId,
              workflowId: record.workflowId,
              error: record.error,
              attempts: record.attempts,
              deadLetteredAt: record.deadLetteredAt.toISOString(),
            },
          ],
        },
      );
      deps.logger.warn(
        { messageId: entry.messageId, endpointId: entry.endpointId, workflowId: entry.workflowId, attempts: entry.attempts },
        'delivery dead-lettered',
      );
    },
  };
}
