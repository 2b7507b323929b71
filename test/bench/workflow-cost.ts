import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

/** What one workflow execution cost Temporal, read from its history. */
export interface HistoryCost {
  workflowId: string;
  /** Every event of the run's history. */
  events: number;
  /** Workflow tasks scheduled: each is a round trip server -> worker -> server. */
  workflowTasks: number;
  /** Activity tasks scheduled (each also costs a dispatch and a completion). */
  activities: number;
  /** Local activities (markers): run inside a workflow task, no task of their own. */
  localActivities: number;
  timers: number;
  signalsReceived: number;
  /** Signals this workflow sent to others (e.g. to the endpoint's dead-letter workflow). */
  signalsSent: number;
  /** Workflows this one started (signal-with-start from an activity does not show here). */
  childStarts: number;
  /** Events by type name, for what the counts above leave out. */
  byType: Record<string, number>;
}

/** Reads the history of the latest run of `workflowId` and counts what it cost. Undefined when not found. */
export async function historyCost(client: Client, workflowId: string): Promise<HistoryCost | undefined> {
  let history;
  try {
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  } catch {
    return undefined;
  }
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const n = (name: string): number => byType[name] ?? 0;
  return {
    workflowId,
    events: history.events?.length ?? 0,
    workflowTasks: n('WORKFLOW_TASK_SCHEDULED'),
    activities: n('ACTIVITY_TASK_SCHEDULED'),
    localActivities: n('MARKER_RECORDED'),
    timers: n('TIMER_STARTED'),
    signalsReceived: n('WORKFLOW_EXECUTION_SIGNALED'),
    signalsSent: n('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED'),
    childStarts: n('START_CHILD_WORKFLOW_EXECUTION_INITIATED'),
    byType,
  };
}

/** Totals of the executions a visibility query matched. */
export interface ExecutionsCost {
  query: string;
  executions: number;
  /** Sum of their history lengths (events). */
  historyEvents: number;
  byStatus: Record<string, number>;
  /** Whether the listing stopped at `limit` executions. */
  truncated: boolean;
}

async function describedLength(client: Client, workflowId: string, runId: string): Promise<number> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).describe()).historyLength;
  } catch {
    return 0;
  }
}

/**
 * Lists the executions `query` matches (every run, continued-as-new ones too) and sums their history
 * lengths: what they cost in stored events. Stops after `limit` executions so a huge run stays bounded.
 */
export async function executionsCost(client: Client, query: string, limit = 50_000): Promise<ExecutionsCost> {
  const cost: ExecutionsCost = { query, executions: 0, historyEvents: 0, byStatus: {}, truncated: false };
  for await (const execution of client.workflow.list({ query })) {
    cost.executions += 1;
    // Visibility records a run's history length when it closes; a running one is asked directly.
    const running = execution.status.name === 'RUNNING' && execution.historyLength === 0;
    cost.historyEvents += running ? await describedLength(client, execution.workflowId, execution.runId) : execution.historyLength;
    cost.byStatus[execution.status.name] = (cost.byStatus[execution.status.name] ?? 0) + 1;
    if (cost.executions >= limit) {
      cost.truncated = true;
      break;
    }
  }
  return cost;
}

/** The mean of each count over `costs` (rounded to 0.1); undefined for an empty sample. */
export function meanCost(costs: HistoryCost[]): Omit<HistoryCost, 'workflowId' | 'byType'> | undefined {
  if (costs.length === 0) return undefined;
  const mean = (pick: (cost: HistoryCost) => number): number => Math.round((costs.reduce((sum, c) => sum + pick(c), 0) / costs.length) * 10) / 10;
  return {
    events: mean((c) => c.events),
    workflowTasks: mean((c) => c.workflowTasks),
    activities: mean((c) => c.activities),
    localActivities: mean((c) => c.localActivities),
    timers: mean((c) => c.timers),
    signalsReceived: mean((c) => c.signalsReceived),
    signalsSent: mean((c) => c.signalsSent),
    childStarts: mean((c) => c.childStarts),
  };
}
