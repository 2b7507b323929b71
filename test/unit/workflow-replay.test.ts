import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../src/paths';
import * as workflows from '../../workflows';
import { historyFromFile } from '../support/history-file';

const HISTORIES_DIR = path.join(projectRoot(), 'test', 'histories');

describe('recorded workflow histories', () => {
  test('every committed history (test/histories, `npm run record-histories`) replays on the current workflow code', async () => {
    const files = (await fs.readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length >= 10, `${files.length} histories`);
    const histories = await Promise.all(
      files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: historyFromFile(await fs.readFile(path.join(HISTORIES_DIR, file), 'utf8')) })),
    );
    const types = new Set(histories.map((h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    assert.deepEqual([...types].sort(), Object.keys(workflows).sort(), 'a history of every workflow type');
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows') }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
