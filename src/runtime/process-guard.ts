import type { Logger } from '../logging/logger';

/** What a guard log line says about an error: never a library's internal objects or a stack. */
export interface ErrorSummary {
  type: string;
  message: string;
  code?: string;
}

/** The type, message and code of anything thrown, whatever it is. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, message: error.message, ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}) };
  }
  return { type: typeof error, message: String(error) };
}

let installed = false;

/**
 * Keeps the process serving when a handler throws asynchronously (an `uncaughtException` or an
 * `unhandledRejection`), which Node would otherwise answer by exiting: one bad request must not end
 * every other request in flight, nor a worker's deliveries. Each one is logged as an error with its
 * type, message and code. Called once by every entry point, before it starts anything; later calls do nothing.
 */
export function installProcessGuard(logger: Logger): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error, origin) => {
    logger.error({ error: summarizeError(error), origin }, 'uncaught exception; still serving');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ error: summarizeError(reason), origin: 'unhandledRejection' }, 'unhandled promise rejection; still serving');
  });
}
