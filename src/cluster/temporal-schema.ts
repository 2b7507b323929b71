import { spawn } from 'node:child_process';
import { Client as PgClient } from 'pg';
import { postgresUrl, type PostgresTarget } from './postgres-target';

/** `temporal-sql-tool` failed; carries its arguments and output. */
export class SchemaToolError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`temporal-sql-tool ${args.join(' ')} exited with ${exitCode}:\n${output.slice(-3000)}`);
    this.name = 'SchemaToolError';
  }
}

function runTool(tool: string, target: PostgresTarget, database: string, args: string[]): Promise<void> {
  const fullArgs = ['--ep', target.host, '-p', String(target.port), '-u', target.user, '--pl', 'postgres12', '--db', database, ...args];
  return new Promise((resolve, reject) => {
    // The password goes through the environment (SQL_PASSWORD), not the command line `ps` shows.
    const child = spawn(tool, fullArgs, { env: { ...process.env, SQL_PASSWORD: target.password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new SchemaToolError(fullArgs, code, output))));
  });
}

async function databaseExists(target: PostgresTarget, database: string): Promise<boolean> {
  const client = new PgClient({ connectionString: postgresUrl(target, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

/**
 * Creates Temporal's persistence and visibility databases with Temporal's own `temporal-sql-tool` when
 * they are missing, then brings both schemas to the version embedded in the tool. Safe on every start:
 * `update-schema` applies only what a database lacks, which is also how a Temporal upgrade migrates.
 */
export async function ensureTemporalSchema(tool: string, target: PostgresTarget, report: (line: string) => void): Promise<void> {
  const schemas: [string, string][] = [
    [target.database, 'postgresql/v12/temporal'],
    [target.visibilityDatabase, 'postgresql/v12/visibility'],
  ];
  for (const [database, schemaName] of schemas) {
    if (!(await databaseExists(target, database))) {
      report(`Creating Temporal's database ${database} with temporal-sql-tool...`);
      await runTool(tool, target, database, ['create-database']);
      await runTool(tool, target, database, ['setup-schema', '-v', '0.0']);
    }
    await runTool(tool, target, database, ['update-schema', '--schema-name', schemaName]);
  }
}
