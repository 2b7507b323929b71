import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../logging/logger';

let installed = false;

/**
 * Routes the Temporal SDK's own log lines into our JSON logger at warn level and above (its info lines,
 * such as the webpack report, are noise in production). The Runtime is process-wide: install once, before
 * the first worker connection.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry: LogEntry) => {
      // A failed attempt is business as usual for webhooks and our activity logs it with its reason.
      if (entry.message === 'Activity failed') return;
      const level = entry.level === 'ERROR' ? 'error' : 'warn';
      sdkLogger[level]({ ...entry.meta }, entry.message);
    }),
  });
}
