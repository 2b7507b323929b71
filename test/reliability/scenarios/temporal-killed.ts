import type { ScenarioDefinition } from '../scenario';
import { crashTemporal, RELAXED_TIMEOUT_MS, steadyReceiver } from './common';
import { seconds } from '../time';


/**
 * `temporal server start-dev` is SIGKILLed mid-burst and started again on the same SQLite file. While it
 * is away the API still accepts every message (the outbox starts them later), and every workflow started
 * before the kill must survive it and deliver.
 */
export function temporalKilled(): ScenarioDefinition {
  return {
    key: 'temporal-kill',
    title: 'Temporal dev server killed mid-burst, restarted (SQLite kept)',
    messages: 200,
    ratePerSecond: 25,
    receivers: [{ name: 'steady', behaviour: steadyReceiver, timeoutMs: RELAXED_TIMEOUT_MS }],
    // Documented: a worker whose Temporal worker fails exits, and its supervisor restarts it.
    mayExit: ['worker'],
    async fault(ctx) {
      await ctx.producer.accepted.reach(ctx.messages * 0.4, 90_000, 'accepted messages');
      const acceptedAtKill = ctx.producer.accepted.value;
      const started = Date.now();
      await crashTemporal(ctx);
      ctx.expect(acceptedAtKill < ctx.messages, `the kill came after all ${ctx.messages} messages were accepted: not mid-burst`);
      ctx.note(`SIGKILL after ${acceptedAtKill} accepted; answering again ${seconds(Date.now() - started)} later`);
    },
    verify(ctx, { figures }) {
      ctx.expect(figures.refused === 0, `${figures.refused} messages refused while Temporal was away: ${JSON.stringify(figures.refusals)}`);
    },
  };
}
