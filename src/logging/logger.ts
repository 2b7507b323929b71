import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process logger: JSON lines (one `role` field tells API, worker and stack apart), or
 * coloured human-readable lines when stdout is a terminal. Keys that could carry secrets or signatures
 * are redacted wherever they appear.
 */
export function createLogger(role: string, level: string): Logger {
  return pino({
    level,
    base: { role },
    redact: {
      paths: [
        'secret',
        '*.secret',
        'signature',
        '*.signature',
        'headers.authorization',
        '*.headers.authorization',
        'headers["webhook-signature"]',
        '*.headers["webhook-signature"]',
      ],
      censor: '[redacted]',
    },
    transport: process.stdout.isTTY
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : undefined,
  });
}
