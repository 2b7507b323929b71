import type { ScenarioContext, ScenarioDefinition } from '../scenario';
import { RELAXED_TIMEOUT_MS, steadyReceiver, TEMPORAL_DOWN_MS } from './common';
import { seconds, sleep } from '../time';

async function outboxPending(ctx: ScenarioContext): Promise<number | undefined> {
  try {
    const response = await fetch(`${ctx.stack.apiUrl}/v1/stats`, { headers: ctx.stack.apiHeaders });
    return ((await response.json()) as { outboxPending?: number }).outboxPending;
  } catch {
    return undefined;
  }
}

/**
 * A fast burst during which `temporal server start-dev` is SIGKILLed and kept away for TEMPORAL_DOWN_MS:
 * most of the burst is posted while Temporal is gone. Producers never wait on Temporal, so every POST must
 * answer 202 (none refused, none held), the backlog must show in `GET /v1/stats`, and once Temporal is back
 * every message must reach the receiver (counted by webhook-id), repeated only where an attempt was in
 * flight at the kill.
 */
export function temporalOutageBurst(): ScenarioDefinition {
  return {
    key: 'temporal-burst',
    title: 'Temporal killed early in a fast burst: every message accepted while it is away, delivered once back',
    messages: 300,
    ratePerSecond: 60,
    concurrency: 8,
    receivers: [{ name: 'steady', behaviour: steadyReceiver, timeoutMs: RELAXED_TIMEOUT_MS }],
    // Documented: a worker whose Temporal worker fails exits, and its supervisor restarts it.
    mayExit: ['worker'],
    async fault(ctx) {
      await ctx.producer.accepted.reach(ctx.messages * 0.2, 90_000, 'accepted messages');
      let acceptedAtKill = 0;
      let acceptedWhileDown = 0;
      let backlog: number | undefined;
      await ctx.crash(
        { what: 'Temporal dev server SIGKILL', cutsAttempts: true },
        async () => {
          await ctx.stack.temporal.kill();
          acceptedAtKill = ctx.producer.accepted.value;
        },
        async () => {
          await sleep(TEMPORAL_DOWN_MS);
          acceptedWhileDown = ctx.producer.accepted.value - acceptedAtKill;
          backlog = await outboxPending(ctx);
          const started = Date.now();
          await ctx.stack.temporal.start();
          ctx.note(`Temporal answering again ${seconds(Date.now() - started)} after its restart began`);
        },
      );
      ctx.expect(acceptedWhileDown >= ctx.messages / 2, `only ${acceptedWhileDown} of ${ctx.messages} messages were accepted while Temporal was away`);
      ctx.expect((backlog ?? 0) > 0, `GET /v1/stats showed no outbox backlog while Temporal was away (outboxPending ${backlog})`);
      ctx.note(`SIGKILL after ${acceptedAtKill} accepted; ${acceptedWhileDown} accepted while Temporal was away; outboxPending ${backlog} before its restart`);
    },
    verify(ctx, { figures }) {
      ctx.expect(figures.refused === 0, `${figures.refused} POSTs were refused while Temporal was away: ${JSON.stringify(figures.refusals)}`);
      ctx.expect(figures.cutOff === 0, `${figures.cutOff} POSTs got no answer`);
      ctx.expect(figures.delivered === ctx.messages, `${figures.delivered} of ${ctx.messages} messages reached the receiver`);
      ctx.note(
        figures.duplicates === 0
          ? 'every message delivered exactly once'
          : `every message delivered; ${figures.duplicates} repeated, each an attempt in flight at the kill`,
      );
    },
  };
}
