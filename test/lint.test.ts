import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../src/paths';

test('the code passes ESLint: no floating promises, no any, workflows free of I/O, clocks and randomness', () => {
  const root = projectRoot();
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--config', 'test/lint/eslint.config.mjs', '.'],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
