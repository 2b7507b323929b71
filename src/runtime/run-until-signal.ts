import type { Logger } from '../logging/logger';

/**
 * One Ctrl-C under `npm start` arrives twice: from the terminal and again forwarded by npm. A repeat
 * within this window is that same keypress, not a user insisting.
 */
const REPEAT_WINDOW_MS = 1_000;

/**
 * Calls `stop` on the first SIGINT or SIGTERM and exits 0 when it completes; another signal more than a
 * second later exits at once. A fatal error in `failure` (the worker dying on its own) stops everything
 * and exits 1.
 */
export function runUntilSignal(logger: Logger, stop: () => Promise<void>, failure?: Promise<unknown>): void {
  let stoppingSince: number | undefined;
  const shutdown = (code: number, signal?: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (signal && Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      process.exit(code || 130);
    }
    stoppingSince = Date.now();
    stop().then(
      () => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown(0, 'SIGINT'));
  process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
  failure?.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped unexpectedly');
    shutdown(1);
  });
}

/** Runs an entry point's `main`, printing a readable message and exiting 1 if start-up fails. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`\nHookway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
