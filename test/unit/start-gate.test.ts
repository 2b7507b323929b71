import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StartGate, type StartGateSettings } from '../../src/temporal/start-gate';

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
const settings = (over: Partial<StartGateSettings> = {}): StartGateSettings => ({
  maxWaitingTasks: 100,
  readingTtlMs: 0,
  readTimeoutMs: 1_000,
  keepOnFailureMs: 60_000,
  ...over,
});

/** Lets a read in flight land, asks for nothing so a stale reading is refreshed, and lets that land too. */
async function refreshed(gate: StartGate): Promise<void> {
  await tick();
  gate.room(0);
  await tick();
}

describe('start gate: bulk starts wait in PostgreSQL while Temporal workers are behind', () => {
  test('before the first reading it grants the bound, and asking does not wait for the reading', async () => {
    const backlog = reader(500);
    const gate = new StartGate(backlog.read, settings({ readingTtlMs: 60_000 }));
    assert.equal(gate.room(200), 100, 'as if nothing waited: the bound');
    assert.equal(gate.room(200), 0, 'what it granted counts until a reading lands');
    await tick();
    gate.unused(100);
    assert.equal(gate.room(200), 0, 'the reading of 500 waiting tasks, past the bound of 100, leaves no room');
  });

  test('the room is the bound less what waits and what was granted since the reading, never more than asked', async () => {
    const backlog = reader(30);
    const gate = new StartGate(backlog.read, settings());
    await refreshed(gate);
    assert.equal(gate.room(50), 50);
    assert.equal(gate.room(50), 20, '30 waiting and 50 granted leave 20');
    assert.equal(gate.room(50), 0);
    gate.unused(15);
    assert.equal(gate.room(50), 15, 'what a claim did not start is granted again');
    backlog.set(100);
    await refreshed(gate);
    assert.equal(gate.room(200), 0);
    backlog.set(250);
    await refreshed(gate);
    assert.equal(gate.room(200), 0);
    backlog.set(0);
    await refreshed(gate);
    assert.equal(gate.room(200), 100, 'a fresh reading starts the count of grants again');
  });

  test('a reading serves for its time to live, and one read at a time is in flight', async () => {
    const backlog = reader(0);
    const gate = new StartGate(backlog.read, settings({ readingTtlMs: 60_000 }));
    for (let i = 0; i < 20; i += 1) gate.room(1);
    await tick();
    for (let i = 0; i < 20; i += 1) gate.room(1);
    assert.equal(backlog.calls(), 1);
  });

  test('after a failed reading the last good one holds; only once it is old does the gate open', async () => {
    const backlog = reader(500);
    const holding = new StartGate(backlog.read, settings());
    await refreshed(holding);
    assert.equal(holding.room(50), 0);
    backlog.fail(true);
    await refreshed(holding);
    assert.equal(holding.room(50), 0, 'a throttled or slow server does not open the gate at once');

    backlog.fail(false);
    const opening = new StartGate(backlog.read, settings({ keepOnFailureMs: 0 }));
    await refreshed(opening);
    assert.equal(opening.room(50), 0);
    backlog.fail(true);
    await refreshed(opening);
    assert.equal(opening.room(50), 50, 'with no recent reading the starts themselves find out whether Temporal is there');
  });
});
