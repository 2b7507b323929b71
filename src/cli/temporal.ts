/**
 * `npm run temporal -- <args>`: the project's `temporal` CLI, pointed at the configured address and
 * namespace, so `npm run temporal -- workflow list` works without knowing where the binary lives.
 */
import { spawn } from 'node:child_process';
import { loadConfig } from '../config';
import { resolveTemporalBinary, TemporalBinaryUnavailableError } from '../dev/temporal-binary';
import { runMain } from '../runtime/run-until-signal';

runMain(async () => {
  const config = loadConfig();
  const binary = await resolveTemporalBinary((line) => process.stderr.write(`${line}\n`));
  if (!binary) throw new TemporalBinaryUnavailableError('No temporal binary on PATH or in .hookway/bin, and no Go to build one.');
  const child = spawn(binary, process.argv.slice(2), {
    stdio: 'inherit',
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
    },
  });
  child.on('error', (error) => {
    process.stderr.write(`could not run ${binary}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
});
