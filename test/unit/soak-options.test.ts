import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HistoryCost } from '../bench/workflow-cost';
import { meanCost } from '../bench/workflow-cost';
import { parseSoakOptions } from '../soak/run-soak';
import { totalsOf } from '../soak/soak-report';
import type { ScenarioResult } from '../reliability/scenario';

describe('npm run soak options', () => {
  test('by default 100,000 messages, 12,000 of them to the down endpoint, in rounds of 2,000 at 40/s', () => {
    const options = parseSoakOptions([]);
    assert.equal(options.messages, 100_000);
    assert.equal(options.deadLetters, 12_000);
    assert.equal(options.round, 2_000);
    assert.equal(options.rate, 40);
    assert.equal(options.retention, undefined);
    assert.equal(options.maxMinutes, 530);
  });

  test('a short try keeps every fault: its rounds shrink to a fifth of the rounds share', () => {
    const options = parseSoakOptions(['--messages', '5000']);
    assert.equal(options.deadLetters, 1_500, 'at most 30 % of the messages go to the down endpoint');
    assert.equal(options.round, 700, '3,500 round messages over the 5 faults');
    assert.equal(options.maxMinutes, 55);
  });

  test('given values win, and the retention is passed on as given', () => {
    const options = parseSoakOptions(['--messages', '20000', '--dead-letters', '11000', '--round', '500', '--rate', '25', '--retention', '15m', '--max-minutes', '90']);
    assert.deepEqual(options, { messages: 20_000, deadLetters: 11_000, round: 500, rate: 25, retention: '15m', maxMinutes: 90 });
  });

  test('refuses unknown options and values that are not positive integers', () => {
    assert.throws(() => parseSoakOptions(['--message', '10']), /Unknown option/);
    assert.throws(() => parseSoakOptions(['--messages', '0']), /--messages must be a positive integer/);
    assert.throws(() => parseSoakOptions(['--rate', 'fast']), /--rate must be a positive integer/);
  });
});

describe('soak and bench arithmetic', () => {
  test('totals add every round and count the rounds that passed', () => {
    const figures = { accepted: 10, refused: 2, acceptedOnResend: 2, delivered: 10, lost: 0, duplicates: 3, duplicatesAfterCrash: 2, duplicatesAfterTimeout: 1, unexplainedDuplicates: 0, cutOff: 4 };
    const round = (passed: boolean, lost: number): ScenarioResult =>
      ({ key: 'k', title: 't', passed, failures: [], notes: [], crashWindows: [], durationMs: 1, figures: { ...figures, lost } }) as unknown as ScenarioResult;
    const totals = totalsOf([round(true, 0), round(false, 1), { ...round(false, 0), figures: undefined }]);
    assert.equal(totals.rounds, 3);
    assert.equal(totals.roundsPassed, 1);
    assert.equal(totals.accepted, 20);
    assert.equal(totals.lost, 1);
    assert.equal(totals.duplicatesAfterCrash, 4);
    assert.equal(totals.cutOff, 8);
  });

  test('the mean cost of sampled histories, and none for no sample', () => {
    const cost = (events: number, workflowTasks: number): HistoryCost => ({
      workflowId: 'w', events, workflowTasks, activities: 1, localActivities: 2, timers: 1, signalsReceived: 0, signalsSent: 0, childStarts: 0, byType: {},
    });
    assert.equal(meanCost([]), undefined);
    assert.deepEqual(meanCost([cost(18, 3), cost(24, 4)]), {
      events: 21, workflowTasks: 3.5, activities: 1, localActivities: 2, timers: 1, signalsReceived: 0, signalsSent: 0, childStarts: 0,
    });
  });
});
