import type { EndpointView } from '../../src/api/endpoints/endpoint.view';
import { checkCommon, checkExits, SETTLE_TIMEOUT_MS } from './checks';
import type { ReliabilityStack } from './harness';
import { countFigures, type CrashWindow } from './ledger';
import { Producer, type MessageOutcome, type PlannedMessage } from './producer';
import { CountingReceiver } from './receivers';
import { storedDeliveries, timedOutAttempts } from './records';
import type { ScenarioContext, ScenarioDefinition, ScenarioResult } from './scenario';
import { settle } from './settle';
import { seconds } from './time';

/** Fast retries, so a delivery comes through within seconds of the fault's end; 20 attempts outlast it. */
export const FAST_RETRY_POLICY = { maxAttempts: 20, initialIntervalMs: 200, backoffCoefficient: 1.5, maxIntervalMs: 2_000 };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function createEndpoint(stack: ReliabilityStack, body: Record<string, unknown>): Promise<EndpointView> {
  const response = await fetch(`${stack.apiUrl}/v1/endpoints`, {
    method: 'POST',
    headers: { ...stack.apiHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /v1/endpoints answered ${response.status}: ${text}`);
  return JSON.parse(text) as EndpointView;
}

/** Messages round-robin over the receivers (and ordering keys), each with its own id and its receiver's event type. */
function plan(def: ScenarioDefinition): PlannedMessage[] {
  return Array.from({ length: def.messages }, (_, seq) => {
    const receiver = def.receivers[seq % def.receivers.length].name;
    const orderingKey = def.orderingKeys ? `key-${seq % def.orderingKeys}` : undefined;
    return { seq, id: `${def.key}.${seq}`, eventType: `${def.key}.${receiver}`, receiver, orderingKey };
  });
}

/** What a scenario's context collects while it runs. */
interface RunRecord {
  failures: string[];
  notes: string[];
  crashWindows: CrashWindow[];
  listeners: ((outcome: MessageOutcome) => void)[];
}

/** The scenario's view of the run; what it notes, expects and crashes lands in `record`. */
function contextFor(stack: ReliabilityStack, def: ScenarioDefinition, say: (line: string) => void, record: RunRecord): ScenarioContext {
  const producer = new Producer(stack.apiUrl, stack.apiHeaders);
  const log = (line: string): void => say(`${def.key}: ${line}`);
  return {
    stack,
    producer,
    receivers: new Map(),
    messages: def.messages,
    say: log,
    onAccepted: (listener) => void record.listeners.push(listener),
    async crash({ what, cutsAttempts }, inject, recover) {
      const window: CrashWindow = { what, cutsAttempts, start: Date.now(), end: Number.POSITIVE_INFINITY };
      record.crashWindows.push(window);
      log(`${what} (after ${producer.accepted.value} accepted)`);
      try {
        await inject();
        await recover();
      } finally {
        window.end = Date.now();
        log(`recovered from ${what} in ${seconds(window.end - window.start)}`);
      }
    },
    note: (text) => void record.notes.push(text),
    expect: (ok, failure) => void (ok || record.failures.push(failure)),
  };
}

/**
 * Runs one scenario end to end against the running stack: its receivers and endpoints, the burst with the
 * fault in its middle, recovery, the refused messages sent again, the wait for every delivery, the count
 * and the checks. Never throws: whatever goes wrong becomes a failure of this scenario.
 */
export async function runScenario(stack: ReliabilityStack, def: ScenarioDefinition, say: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const record: RunRecord = { failures: [], notes: [], crashWindows: [], listeners: [] };
  const exitsBefore = stack.unexpectedExits().length;
  const ctx = contextFor(stack, def, say, record);
  const receivers: { receiver: CountingReceiver; timeoutMs: number }[] = [];
  let result: Pick<ScenarioResult, 'figures' | 'settleMs'> = {};
  try {
    await stack.ensureUp();
    for (const spec of def.receivers) {
      const receiver = await CountingReceiver.start(spec.name, spec.behaviour);
      receivers.push({ receiver, timeoutMs: spec.timeoutMs });
      ctx.receivers.set(spec.name, receiver);
      await createEndpoint(stack, { url: receiver.url, eventTypes: [`${def.key}.${spec.name}`], retryPolicy: FAST_RETRY_POLICY, timeoutMs: spec.timeoutMs });
    }
    ctx.say(`burst of ${def.messages} messages at ${def.ratePerSecond}/s`);
    const faultDone = def.fault(ctx).catch((error: unknown) => ctx.expect(false, `the fault did not run as planned: ${message(error)}`));
    const outcomes = await ctx.producer.burst(plan(def), {
      ratePerSecond: def.ratePerSecond,
      concurrency: def.concurrency ?? 6,
      onAccepted: (outcome) => record.listeners.forEach((listener) => listener(outcome)),
    });
    await faultDone;
    await stack.ensureUp();
    const unaccepted = outcomes.filter((o) => !o.accepted).length;
    if (unaccepted > 0) ctx.say(`sending ${unaccepted} refused messages again, same ids`);
    await ctx.producer.resend(outcomes);
    ctx.say('waiting for every accepted message to be delivered and every workflow to close');
    const settled = await settle(outcomes, receivers.map((r) => r.receiver), stack.temporalAddress, SETTLE_TIMEOUT_MS);
    const stored = await storedDeliveries(stack.postgres.url, outcomes.map((o) => o.message.id));
    const figures = await countFigures({
      outcomes,
      receivers,
      crashWindows: record.crashWindows,
      timedOut: (deliveryId) => timedOutAttempts(stack.apiUrl, stack.apiHeaders, deliveryId),
    });
    result = { figures, settleMs: settled.waitedMs };
    const evidence = { figures, outcomes, settled, crashWindows: record.crashWindows };
    checkCommon(def, ctx, evidence, stored);
    def.verify?.(ctx, evidence);
  } catch (error) {
    ctx.expect(false, `scenario aborted: ${message(error)}`);
  } finally {
    await Promise.all(receivers.map((r) => r.receiver.close()));
  }
  checkExits(def, ctx, stack.unexpectedExits().slice(exitsBefore));
  const { failures, notes, crashWindows } = record;
  return { key: def.key, title: def.title, passed: failures.length === 0, failures, notes, crashWindows, durationMs: Date.now() - started, ...result };
}
