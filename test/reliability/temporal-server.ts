import path from 'node:path';
import { resolveTemporalBinary } from '../../src/dev/temporal-binary';
import { DEV_SERVER_TUNING_ARGS } from '../../src/dev/temporal-dev-server';
import { HOOKWAY_SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { temporalAnswers } from '../../src/runtime/readiness';
import { SupervisedProcess } from '../../src/runtime/supervised-process';

/**
 * `temporal server start-dev` as a process the harness can SIGKILL and start again. The dev services'
 * `startDevTemporal` hides its process, so this spawns the same binary with the same flags, minus the Web
 * UI. State lives in `<dataDir>/temporal.sqlite`, so a restart finds every workflow it held at the kill.
 */
export async function temporalDevServer(dataDir: string, port: number, say: (line: string) => void): Promise<SupervisedProcess> {
  const binary = await resolveTemporalBinary(say);
  if (!binary) {
    throw new Error('no temporal binary (PATH or .hookway/bin) and no Go to build one; run `npm start` once to build it');
  }
  const address = `127.0.0.1:${port}`;
  return new SupervisedProcess({
    name: 'temporal',
    command: binary,
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--headless',
      '--db-filename', path.join(dataDir, 'temporal.sqlite'),
      '--log-level', 'warn',
      ...DEV_SERVER_TUNING_ARGS,
      ...HOOKWAY_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ],
    env: process.env,
    logFile: path.join(dataDir, 'temporal.log'),
    ready: () => temporalAnswers(address),
    readyTimeoutMs: 60_000,
    // A dev server that dies on its own is a finding, not something to paper over.
    restartOnExit: false,
  });
}
