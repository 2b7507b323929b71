import type { ScenarioContext } from '../scenario';
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
