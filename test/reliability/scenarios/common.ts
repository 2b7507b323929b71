import type { ScenarioContext } from '../scenario';
import { sleep } from '../time';
import { fixedFraction, type Behaviour, type CountingReceiver } from '../receivers';

/** The scenario's receiver called `name`; a typo in a scenario fails it loudly. */
export function receiverNamed(ctx: ScenarioContext, name: string): CountingReceiver {
  const receiver = ctx.receivers.get(name);
  if (!receiver) throw new Error(`no receiver named ${name}`);
  return receiver;
}

/**
 * A healthy receiver that takes 20-150 ms per request, so that at any moment of the burst some attempts
 * are under way: a crash then has attempts in flight to repeat.
 */
export const steadyReceiver: Behaviour = (seq, nth) => ({ action: 'process', delayMs: 20 + Math.floor(fixedFraction(seq, nth) * 130) });

/** Per-attempt deadline of the well-behaved endpoints: far above their receivers' answer times. */
export const RELAXED_TIMEOUT_MS = 5_000;

/** How long the Temporal dev server stays down in the scenarios that kill it. */
export const TEMPORAL_DOWN_MS = 10_000;

/** SIGKILLs the worker and starts a new one a second later; its attempts in flight may be repeated. */
export async function crashWorker(ctx: ScenarioContext): Promise<void> {
  await ctx.crash(
    { what: 'worker SIGKILL', cutsAttempts: true },
    () => ctx.stack.worker.kill(),
    async () => {
      await sleep(1_000);
      await ctx.stack.worker.start();
    },
  );
}

/**
 * SIGKILLs the Temporal dev server and starts it again on the same SQLite file after TEMPORAL_DOWN_MS. A
 * worker's report that an attempt succeeded can be lost with the server, so attempts may be repeated.
 */
export async function crashTemporal(ctx: ScenarioContext): Promise<void> {
  await ctx.crash(
    { what: 'Temporal dev server SIGKILL', cutsAttempts: true },
    () => ctx.stack.temporal.kill(),
    async () => {
      await sleep(TEMPORAL_DOWN_MS);
      await ctx.stack.temporal.start();
    },
  );
}
