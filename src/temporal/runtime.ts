import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { freePort } from '../runtime/ports';
import type { Logger } from '../logging/logger';

let sdkMetricsUrl: string | undefined;
let installing: Promise<void> | undefined;

/**
 * Installs the process-wide Temporal Runtime, once, before the first worker connection:
 * - the SDK's log lines go to our JSON logger at warn and above (its info lines are noise);
 * - the SDK's Prometheus metrics are served on a free loopback port, which our `/metrics` folds in.
 */
export function installTemporalRuntime(logger: Logger): Promise<void> {
  installing ??= (async () => {
    const port = await freePort();
    const sdkLogger = logger.child({ component: 'temporal-sdk' });
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry: LogEntry) => {
        // A failed attempt is business as usual for webhooks and our activity logs it with its reason.
        if (entry.message === 'Activity failed') return;
        const level = entry.level === 'ERROR' ? 'error' : 'warn';
        sdkLogger[level]({ ...entry.meta }, entry.message);
      }),
      telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } },
    });
    sdkMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  })();
  return installing;
}

/** Where the SDK's own metrics are served, once a worker installed the Runtime in this process. */
export function temporalSdkMetricsUrl(): string | undefined {
  return sdkMetricsUrl;
}
