/**
 * Dynamic config Hookway relies on from every Temporal server it starts, the dev server and the cluster
 * (docker-compose.yml sets the same in its own file): fair dispatch by the fairness key deliveries carry
 * (their endpoint), so one endpoint's backlog cannot starve the others; and eager execution, which hands
 * a workflow's first activity to the worker that scheduled it without a trip through matching, and a new
 * workflow's first task to the worker in the process that started it (eager workflow start); and a task
 * queue's backlog figures refreshed every 500 ms instead of every 5 s, since Hookway's start gate
 * (src/temporal/start-gate.ts) reads them before each bulk start.
 */
export const HOOKWAY_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | string>> = {
  'matching.enableFairness': true,
  'system.enableActivityEagerExecution': true,
  'system.enableEagerWorkflowStart': true,
  'matching.TaskQueueInfoByBuildIdTTL': '500ms',
};
