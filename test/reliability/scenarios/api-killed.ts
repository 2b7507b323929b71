import type { MessageOutcome } from '../producer';
import type { ScenarioDefinition } from '../scenario';
import { RELAXED_TIMEOUT_MS, receiverNamed, steadyReceiver } from './common';
import { seconds } from '../time';

/**
 * The API is SIGKILLed the instant a 202 arrives for the middle message of the burst, then started again.
 * The 202 promised that PostgreSQL and Temporal hold the message, so it must be delivered although the
 * process that said so is gone. Requests cut off by the kill are sent again with the same id, as the
 * README tells clients to; they must be delivered once.
 */
export function apiKilled(): ScenarioDefinition {
  let killedAfter: MessageOutcome | undefined;
  return {
    key: 'api-kill',
    title: 'API killed (SIGKILL) right after answering 202',
    messages: 200,
    ratePerSecond: 40,
    receivers: [{ name: 'steady', behaviour: steadyReceiver, timeoutMs: RELAXED_TIMEOUT_MS }],
    expectsCutOff: true,
    async fault(ctx) {
      const mark = ctx.messages / 2;
      ctx.onAccepted((outcome) => {
        if (killedAfter || ctx.producer.accepted.value < mark) return;
        killedAfter = outcome;
        // SIGKILL goes out synchronously, before any other answer is read.
        void ctx.stack.api.kill();
      });
      await ctx.producer.accepted.reach(mark, 90_000, 'accepted messages');
      const started = Date.now();
      await ctx.crash(
        // The API makes no HTTP attempts: its death cannot repeat one.
        { what: 'API SIGKILL right after a 202', cutsAttempts: false },
        () => ctx.stack.api.kill(),
        () => ctx.stack.api.start(),
      );
      ctx.note(`SIGKILL right after the 202 for ${killedAfter?.message.id}; answering again ${seconds(Date.now() - started)} later`);
    },
    verify(ctx) {
      const id = killedAfter?.message.id;
      ctx.expect(id !== undefined, 'the API was never killed');
      if (id) ctx.expect(receiverNamed(ctx, 'steady').hasProcessed(id), `${id}, answered 202 just before the kill, was not delivered`);
    },
  };
}
