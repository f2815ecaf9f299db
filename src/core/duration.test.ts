import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, formatDuration } from './duration.js';
import { HeadroomError } from './errors.js';

test('parses units and compound durations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('10'), 10_000);
});

test('rejects garbage with a message naming the flag', () => {
  for (const bad of ['', 'abc', '10x', '5s5', '-3s']) {
    assert.throws(() => parseDuration(bad, '--duration'), (e: unknown) =>
      e instanceof HeadroomError && e.code === 'HR_E_BAD_DURATION' && e.message.startsWith('--duration:'));
  }
});

test('formats durations for humans', () => {
  assert.equal(formatDuration(950), '950ms');
  assert.equal(formatDuration(12_500), '12.5s');
  assert.equal(formatDuration(200_000), '3m20s');
});
