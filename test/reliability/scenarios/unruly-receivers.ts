import type { Behaviour } from '../receivers';
import { fixedFraction } from '../receivers';
import type { ScenarioDefinition } from '../scenario';
import { RELAXED_TIMEOUT_MS, receiverNamed } from './common';

/** The deadline of the endpoint whose receiver sometimes sleeps past it. */
const TIGHT_TIMEOUT_MS = 1_000;

/** Sleeps 1.5 s (past the 1 s deadline, then still processes and answers 200) on a quarter of first tries. */
const sometimesTooSlow: Behaviour = (seq, nth) =>
  nth === 0 && fixedFraction(seq, 1) < 0.25 ? { action: 'process', delayMs: 1_500 } : { action: 'process', delayMs: 10 + Math.floor(fixedFraction(seq, nth, 2) * 90) };

/** Destroys the socket without processing on a third of first tries, and on a tenth of second tries too. */
const sometimesResets: Behaviour = (seq, nth) => {
  const fraction = fixedFraction(seq, 3);
  const reset = (nth === 0 && fraction < 0.33) || (nth === 1 && fraction < 0.1);
  return { action: reset ? 'reset' : 'process', delayMs: Math.floor(fixedFraction(seq, nth, 4) * 50) };
};

/** Always processes, answering after 300-800 ms. */
const slowButFine: Behaviour = (seq, nth) => ({ action: 'process', delayMs: 300 + Math.floor(fixedFraction(seq, nth, 5) * 500) });

/**
 * No crash: a burst to three receivers that misbehave. One sleeps past its endpoint's 1 s deadline on
 * some requests (Hookway times out and retries, so the receiver sees those twice: counted), one resets
 * connections (retried, no duplicate), one is slow but within its deadline (no retry, no duplicate).
 */
export function unrulyReceivers(): ScenarioDefinition {
  return {
    key: 'receivers',
    title: 'receivers that time out, reset connections, answer slowly',
    messages: 210,
    ratePerSecond: 50,
    receivers: [
      { name: 'too-slow', behaviour: sometimesTooSlow, timeoutMs: TIGHT_TIMEOUT_MS },
      { name: 'resets', behaviour: sometimesResets, timeoutMs: RELAXED_TIMEOUT_MS },
      { name: 'slow', behaviour: slowButFine, timeoutMs: RELAXED_TIMEOUT_MS },
    ],
    async fault() {
      // The receivers are the fault.
    },
    verify(ctx, { figures }) {
      const dups = (name: string): number => [...receiverNamed(ctx, name).processedById().values()].reduce((sum, p) => sum + p.length - 1, 0);
      ctx.expect(figures.lateAnswers > 0, 'no receiver answered past its deadline: the timeout case did not happen');
      ctx.expect(figures.resets > 0, 'no connection was reset: the reset case did not happen');
      ctx.expect(dups('resets') === 0, `${dups('resets')} duplicates at the resetting receiver, which never processed a request it reset`);
      ctx.expect(dups('slow') === 0, `${dups('slow')} duplicates at the slow receiver, which always answered within its deadline`);
      ctx.note(
        `1 s deadline: ${figures.lateAnswers} answers past it; ${figures.resets} connections reset, ${dups('resets')} duplicates; ` +
          `300-800 ms answers: ${dups('slow')} duplicates`,
      );
    },
  };
}
