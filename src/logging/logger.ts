import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process logger: JSON lines, one `role` field to tell API, worker and stack apart.
 * Keys that could carry secrets are redacted wherever they appear.
 */
export function createLogger(role: string, level: string): Logger {
  return pino({
    level,
    base: { role },
    redact: {
      paths: ['secret', '*.secret', 'signature', '*.signature', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
