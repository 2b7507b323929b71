import { counted, seconds, sleep } from '../time';
import type { CrashWindow } from '../ledger';
import type { ScenarioDefinition } from '../scenario';
import { RELAXED_TIMEOUT_MS, steadyReceiver } from './common';

/** The outage the issue asks for. */
const OUTAGE_MS = 10_000;

/**
 * PostgreSQL is stopped (fast shutdown) for 10 s in the middle of a slow burst, then started again on the
 * same data dir. The API must answer 503 while it cannot store a message, never 2xx for one it did not
 * keep; everything it accepted, before or after, is delivered once PostgreSQL is back.
 */
export function postgresStopped(): ScenarioDefinition {
  let outage: CrashWindow | undefined;
  return {
    key: 'postgres-outage',
    title: 'PostgreSQL stopped for 10 s mid-burst',
    messages: 200,
    // Slow enough that the burst runs before, through and after the outage.
    ratePerSecond: 10,
    receivers: [{ name: 'steady', behaviour: steadyReceiver, timeoutMs: RELAXED_TIMEOUT_MS }],
    async fault(ctx) {
      await ctx.producer.accepted.reach(ctx.messages / 4, 90_000, 'accepted messages');
      const down: CrashWindow = { what: 'PostgreSQL down', cutsAttempts: false, start: 0, end: 0 };
      await ctx.crash(
        // Attempts that succeed while it is down are recorded later by the workflow, not made again.
        { what: 'PostgreSQL stop', cutsAttempts: false },
        async () => {
          await ctx.stack.postgres.stop();
          down.start = Date.now();
        },
        async () => {
          await sleep(OUTAGE_MS);
          down.end = Date.now();
          await ctx.stack.postgres.start();
        },
      );
      outage = down;
    },
    verify(ctx, { figures, outcomes }) {
      ctx.expect(figures.refused > 0, 'no message was refused: the outage did not reach the API');
      const codes = Object.keys(figures.refusals).filter((code) => code !== '503 postgres_unavailable');
      ctx.expect(codes.length === 0, `refusals other than 503 postgres_unavailable: ${codes.join(', ')}`);
      // The README: 503 postgres_unavailable means nothing was stored (looked up before each resend).
      ctx.expect(figures.refusedButStored === 0, `${figures.refusedButStored} messages refused with 503 postgres_unavailable were stored anyway`);
      // A 202 while PostgreSQL was fully down can only be honest for a message committed just before;
      // the common check that every 202 is in PostgreSQL decides.
      const window = outage;
      const duringOutage = window ? outcomes.filter((o) => o.accepted && o.accepted.phase === 'burst' && o.accepted.at > window.start && o.accepted.at < window.end) : [];
      const refusedBeforeStart = window ? outcomes.filter((o) => o.refusals.some((r) => r.at < window.start)).length : 0;
      ctx.note(
        `down ${window ? seconds(window.end - window.start) : '?'}; ${figures.refused} refused with 503 postgres_unavailable ` +
          `(${refusedBeforeStart} while it shut down), ${figures.refusedButStored} of them stored anyway, ` +
          `${figures.acceptedOnResend} accepted when sent again; ${counted(duringOutage.length, '202')} while it was down (committed before)`,
      );
    },
  };
}
