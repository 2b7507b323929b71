import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StartGate } from '../../src/temporal/start-gate';

/** A backlog reader whose answers the test sets, counting how often it is asked. */
function reader(initial: number): { read: () => Promise<number>; set(n: number): void; calls: () => number; fail(on: boolean): void } {
  let waiting = initial;
  let calls = 0;
  let failing = false;
  return {
    read: async () => {
      calls += 1;
      if (failing) throw new Error('temporal away');
      return waiting;
    },
    set: (n) => (waiting = n),
    calls: () => calls,
    fail: (on) => (failing = on),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets a read in flight land, asks once so a stale reading is refreshed, and lets that land too. */
async function refreshed(gate: StartGate): Promise<void> {
  await tick();
  await gate.room(0);
  await tick();
}

describe('start gate: bulk starts wait in PostgreSQL while Temporal workers are behind', () => {
  test('before the first reading there is room, and asking does not wait for the reading', async () => {
    const backlog = reader(500);
    const gate = new StartGate(backlog.read, { maxWaitingTasks: 100, readingTtlMs: 1_000 });
    assert.equal(await gate.room(200), 100, 'as if nothing waited: the bound');
    await tick();
    assert.equal(await gate.room(200), 0, 'the reading of 500 waiting tasks, past the bound of 100, leaves no room');
  });

  test('the room is the bound less what waits, never more than asked nor below 0', async () => {
    const backlog = reader(30);
    const gate = new StartGate(backlog.read, { maxWaitingTasks: 100, readingTtlMs: 0 });
    await refreshed(gate);
    assert.equal(await gate.room(200), 70);
    assert.equal(await gate.room(10), 10);
    backlog.set(100);
    await refreshed(gate);
    assert.equal(await gate.room(200), 0);
    backlog.set(250);
    await refreshed(gate);
    assert.equal(await gate.room(200), 0);
    backlog.set(0);
    await refreshed(gate);
    assert.equal(await gate.room(200), 100);
  });

  test('a reading serves for its time to live, and one read at a time is in flight', async () => {
    const backlog = reader(0);
    const gate = new StartGate(backlog.read, { maxWaitingTasks: 100, readingTtlMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => gate.room(10)));
    await tick();
    for (let i = 0; i < 20; i += 1) await gate.room(10);
    assert.equal(backlog.calls(), 1);
  });

  test('a failed reading counts as room, so the starts themselves find out whether Temporal is there', async () => {
    const backlog = reader(500);
    const gate = new StartGate(backlog.read, { maxWaitingTasks: 100, readingTtlMs: 0 });
    await refreshed(gate);
    assert.equal(await gate.room(50), 0);
    backlog.fail(true);
    await refreshed(gate);
    assert.equal(await gate.room(50), 50);
  });
});
