/**
 * `npm run receiver:example`: a webhook receiver built on the `@hookway/receiver` library (src/receiver).
 * Verifies each webhook, stores it once in `received_events` and logs it. Settings: `RECEIVER_PORT`
 * (4000), `RECEIVER_HOST`, `RECEIVER_SECRET`, `DATABASE_URL` (default: the PostgreSQL of `npm start`),
 * `LOG_LEVEL`.
 */
import { Pool } from 'pg';
import { createLogger } from '../../logging/logger';
import { runUntilSignal } from '../../runtime/run-until-signal';
import { loadReceiverExampleConfig } from './config';
import { createReceiverApp } from './receiver-app';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const config = loadReceiverExampleConfig();
  const logger = createLogger('receiver-example', config.logLevel);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server must not crash the receiver; the next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
  let app;
  try {
    app = await createReceiverApp({ pool, secret: config.secrets, logger });
  } catch (error) {
    await pool.end();
    // Creating the app creates the tables. The usual first-run mistake is starting before Hookway's
    // PostgreSQL is up, so say which database it needs.
    const where = new URL(config.databaseUrl);
    throw new Error(`${error instanceof Error ? error.message : String(error)} (PostgreSQL at ${where.host}${where.pathname}: run npm start first, or set DATABASE_URL)`);
  }
  const opened = app;
  const stop = async (): Promise<void> => {
    await opened.close();
    await pool.end();
  };
  try {
    await opened.listen(config.port, config.host);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = await opened.getUrl();
  say('');
  say('Example receiver is running.');
  say(`  Webhooks   POST ${url}/webhooks`);
  say(`  Events     GET  ${url}/events`);
  if (config.secretGenerated) {
    say(`  Secret     ${config.secrets[0]} (generated for this run; set RECEIVER_SECRET to keep one)`);
    say('Register it with Hookway (npm start, in another terminal):');
    say(
      `  curl -s http://127.0.0.1:3000/v1/endpoints -H "authorization: Bearer $HOOKWAY_API_TOKEN" -H 'content-type: application/json' -d '${JSON.stringify({ url: `${url}/webhooks`, secret: config.secrets[0] })}'`,
    );
  }
  say('Press Ctrl-C to stop.');
  runUntilSignal(logger, stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nThe example receiver could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
