import type { ScenarioDefinition } from '../scenario';
import { crashTemporal, RELAXED_TIMEOUT_MS, steadyReceiver } from './common';
import { seconds } from '../time';


/**
 * `temporal server start-dev` is SIGKILLed mid-burst and started again on the same SQLite file. While it
 * is away the API may answer 503 `temporal_unavailable` (the producer sends those again afterwards); every
 * workflow started before the kill must survive it and deliver.
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
      const codes = Object.keys(figures.refusals).filter((code) => code !== '503 temporal_unavailable');
      ctx.expect(codes.length === 0, `refusals other than 503 temporal_unavailable while Temporal was away: ${codes.join(', ')}`);
      ctx.note(
        figures.refused === 0
          ? 'no 503: the API held its requests until Temporal answered'
          : `${figures.refused} refused with 503 temporal_unavailable, all accepted when sent again`,
      );
    },
  };
}
