import type { Logger } from '../logging/logger';

/**
 * Calls `stop` on the first SIGINT or SIGTERM and exits 0 when it completes; a second signal exits at
 * once. A fatal error in `failure` (the worker dying on its own) stops everything and exits 1.
 */
export function runUntilSignal(logger: Logger, stop: () => Promise<void>, failure?: Promise<unknown>): void {
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) {
      process.exit(code || 130);
    }
    stopping = true;
    stop().then(
      () => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
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
