import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queueRedrive, REDRIVE_PAGE_SIZE, redrivePageSize } from '../../workflows/dead-letter-redrive';

describe('what a redrive request queues', () => {
  const automatic = { automatic: true };
  const operator = { automatic: false };

  test('an automatic request starts a pass only when none runs or waits', () => {
    assert.deepEqual(queueRedrive(undefined, undefined, automatic), automatic);
    assert.equal(queueRedrive(undefined, { automatic: true }, automatic), undefined);
    assert.equal(queueRedrive(undefined, { automatic: false, cursor: { deadLetteredAt: '2026-01-01T00:00:00.000001Z', id: 'dlq_1' } }, automatic), undefined);
    assert.deepEqual(queueRedrive(operator, undefined, automatic), operator);
  });

  test("an operator's request always gets a full pass, after the one under way, replacing a waiting automatic one", () => {
    assert.deepEqual(queueRedrive(undefined, undefined, operator), operator);
    assert.deepEqual(queueRedrive(undefined, { automatic: false }, operator), operator);
    assert.deepEqual(queueRedrive(automatic, { automatic: true }, operator), operator);
  });
});

describe('how many dead letters one redrive page retries', () => {
  test('a full page without a pace, and about ten seconds of pacing with one', () => {
    assert.equal(redrivePageSize(0), REDRIVE_PAGE_SIZE);
    assert.equal(redrivePageSize(1), REDRIVE_PAGE_SIZE);
    assert.equal(redrivePageSize(300), 33);
    assert.equal(redrivePageSize(1000), 10);
  });

  test('one per page once the pace is ten seconds or more, so the workflow timer paces them', () => {
    assert.equal(redrivePageSize(10_000), 1);
    assert.equal(redrivePageSize(3_600_000), 1);
  });
});
