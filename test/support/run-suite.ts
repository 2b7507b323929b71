/**
 * `npm test`: first the unit tests under `test/unit/`, which need no services (a failure there stops the
 * run within seconds); then starts the real services once (embedded PostgreSQL and `temporal server
 * start-dev`, on free ports, with state in a fresh temporary folder), runs every other compiled
 * `*.test.js` under Node's test runner against them, and stops the services. The cluster test's Go
 * programs are built first when missing. Arguments filter test files by name (`npm test -- delivery`);
 * `--unit` runs the unit tests alone (`npm run test:unit`).
 *
 * The few files that spend minutes pushing thousands of deliveries through Temporal ({@link OWN_LANE})
 * run beside the others, one at a time, against a PostgreSQL and a Temporal dev server of their own: the
 * rest of the suite mostly waits on timers and real I/O, so the two lanes share the machine's cores
 * instead of taking turns, and neither lane's load (a backlog, connections) reaches the other's services.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveClusterPrograms } from '../../src/cluster/cluster-programs';
import { loadConfig, type HookwayConfig } from '../../src/config';
import { startDevServices, type DevServices } from '../../src/dev/dev-services';
import { freePort } from '../../src/runtime/ports';
import { ensureDebianTool } from './system-tools';

/**
 * Files run in a lane of their own (see above), one after the other: the 10,000-dead-letter file, and the
 * cluster test, whose Temporal server, three workers and two APIs are the other heaviest load: run before
 * the dead letters, the two never load the machine at once.
 */
const OWN_LANE = ['cluster.test.js', 'dead-letter-scale.test.js'];

function testFiles(dir: string, filters: string[]): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(full, filters));
    else if (entry.name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => entry.name.includes(f)))) {
      found.push(full);
    }
  }
  return found.sort();
}

/**
 * Runs `files` under Node's test runner, `concurrency` files at a time, reporting to the terminal or, with
 * `reportTo`, into that file. Ctrl-C reaches the test runner too: the suite waits for it to end, then
 * stops the services.
 */
function runTests(files: string[], env: NodeJS.ProcessEnv, options: { concurrency?: number; reportTo?: string } = {}): Promise<number> {
  const destination = options.reportTo ? [`--test-reporter-destination=${options.reportTo}`] : [];
  const args = ['--test', '--test-reporter=spec', ...destination, `--test-concurrency=${options.concurrency ?? 1}`, ...files];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const forward = (): void => void child.kill('SIGTERM');
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      process.off('SIGTERM', forward);
      resolve(code ?? 1);
    }),
  );
}

/** The configuration of services of their own, with their state in `dataDir`, on free ports. */
async function servicesIn(dataDir: string): Promise<HookwayConfig> {
  return loadConfig({
    HOOKWAY_DATA_DIR: dataDir,
    HOOKWAY_TEMPORAL_PORT: String(await freePort()),
    HOOKWAY_TEMPORAL_UI_PORT: String(await freePort()),
    HOOKWAY_EMBEDDED_PG_PORT: String(await freePort()),
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unitOnly = args.includes('--unit');
  const testRoot = __dirname.replace(/support$/, '');
  const unitDir = path.join(testRoot, 'unit') + path.sep;
  const matched = testFiles(testRoot, args.filter((arg) => arg !== '--unit'));
  const unit = matched.filter((file) => file.startsWith(unitDir));
  const files = unitOnly ? [] : matched.filter((file) => !file.startsWith(unitDir));
  if (unit.length + files.length === 0) {
    process.stderr.write('no test files matched\n');
    return 1;
  }
  process.on('SIGINT', () => undefined);
  if (unit.length > 0) {
    // Two at a time: they need no services, and the slowest mostly wait on timers (DNS deadlines).
    const code = await runTests(unit, { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' }, { concurrency: 2 });
    if (code !== 0 || files.length === 0) return code;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-test-'));
  const config = await servicesIn(dataDir);
  const say = (line: string): void => void process.stderr.write(`[suite] ${line}\n`);
  ensureDebianTool('promtool', 'prometheus', say);
  ensureDebianTool('chromium', 'chromium', say);
  // Built here, not inside a test's time: a first build of the Temporal server takes minutes.
  if (files.some((file) => path.basename(file) === 'cluster.test.js')) await resolveClusterPrograms(say);
  say(`services in ${dataDir}`);
  const services = await startDevServices(config, say);
  const ownLane = files.filter((file) => OWN_LANE.includes(path.basename(file)));
  const rest = files.filter((file) => !ownLane.includes(file));
  let lane: DevServices | undefined;
  try {
    say(`PostgreSQL ${services.config.database.url}, Temporal ${services.config.temporal.address}, UI ${services.config.temporal.uiUrl}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: services.config.database.url,
      TEMPORAL_ADDRESS: services.config.temporal.address,
      TEMPORAL_UI_URL: services.config.temporal.uiUrl,
      HOOKWAY_TEST_DATA_DIR: dataDir,
      // Every Hookway the tests start (in-process or as a child) shares these, like one deployment.
      HOOKWAY_API_TOKEN: `hw_test_${randomBytes(12).toString('hex')}`,
      HOOKWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    };
    if (ownLane.length === 0 || rest.length === 0) return await runTests(files, env);
    lane = await startDevServices(await servicesIn(path.join(dataDir, 'own-lane')), say);
    const report = path.join(dataDir, 'own-lane.txt');
    say(`${ownLane.map((file) => path.basename(file)).join(', ')}: beside the rest, on PostgreSQL ${lane.config.database.url} and Temporal ${lane.config.temporal.address}; reported when done`);
    const laneEnv = { ...env, DATABASE_URL: lane.config.database.url, TEMPORAL_ADDRESS: lane.config.temporal.address, TEMPORAL_UI_URL: lane.config.temporal.uiUrl };
    const [laneCode, restCode] = await Promise.all([
      runTests(ownLane, laneEnv, { reportTo: report }).then((code) => {
        process.stdout.write(fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : 'no report was written\n');
        return code;
      }),
      runTests(rest, env),
    ]);
    return laneCode || restCode;
  } finally {
    await lane?.stop().catch((error: unknown) => say(`the second lane's services did not stop cleanly: ${String(error)}`));
    await services.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test suite could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
