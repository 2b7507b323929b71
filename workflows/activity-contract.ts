import type {
  AttemptSuccess,
  CircuitStep,
  DeadLetterEntry,
  DeliveryInput,
  OrderedStreamInput,
  RedrivePageRequest,
  RedrivePageResult,
  RetentionBatchResult,
  RetentionCursor,
  RetentionStage,
  StreamStep,
} from './definitions';

/**
 * Every activity the workflows call, as the workflows see them: `activities/` implements this contract
 * (see `createActivities`), so workflow code depends on nothing outside `workflows/`.
 */
export interface HookwayActivities {
  /** One signed HTTP attempt of a delivery; throws an ApplicationFailure whose type is the reason code. */
  sendWebhook(input: DeliveryInput): Promise<AttemptSuccess>;
  /** Records a success the attempt could not record itself (PostgreSQL was away), with what follows one. */
  recordSuccess(input: Pick<DeliveryInput, 'deliveryId' | 'endpointId'>, runId: string, success: AttemptSuccess): Promise<void>;
  /** Opens the delivery's dead letter, with the queue alerts its opening raised. */
  deadLetter(entry: DeadLetterEntry): Promise<void>;
  /** Sends the queue alerts a dead letter holds, then forgets them. */
  sendQueueAlerts(deadLetterId: string): Promise<void>;
  /** Retries one page of an endpoint's dead-letter queue, paced. */
  redrivePage(request: RedrivePageRequest): Promise<RedrivePageResult>;
  /** Whether the endpoint has any open dead letter. */
  deadLetterQueueOpen(endpointId: string): Promise<boolean>;
  /** One step of an ordered stream: starts the delivery it waits on, or says it is idle or blocked. */
  advanceStream(stream: OrderedStreamInput): Promise<StreamStep>;
  /** Wakes the delivery's ordered stream: the delivery is done, succeeded or dead-lettered. */
  notifyStream(stream: OrderedStreamInput): Promise<void>;
  /**
   * One step of an endpoint's circuit workflow. `gated`: releases wait for room in Temporal's task queue,
   * and the result's `limit` says how many could go.
   */
  circuitStep(endpointId: string, batch: number, probe: boolean, gated?: boolean): Promise<CircuitStep>;
  /** Deletes one batch of `stage`'s expired rows. */
  retentionBatch(stage: RetentionStage, cutoff: string, cursor: RetentionCursor, limit: number): Promise<RetentionBatchResult>;
}
