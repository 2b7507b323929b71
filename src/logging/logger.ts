import pino, { type DestinationStream, type Logger } from 'pino';
import { errorFields, reduceErrors } from './error-fields';

export type { Logger };

/**
 * Creates the process logger: JSON lines (one `role` field tells API, worker and stack apart), or
 * coloured human-readable lines when stdout is a terminal. Errors are written as type, message, code and cause
 * only, under any key; keys that could carry secrets or signatures are redacted wherever they appear.
 * `destination` replaces stdout (a test reading the lines).
 */
export function createLogger(role: string, level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { role },
    serializers: { err: errorFields, error: errorFields },
    formatters: { log: reduceErrors },
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
  };
  return destination ? pino({ ...options, transport: undefined }, destination) : pino(options);
}
