import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRunFilter } from './query-params.js';
import { isHeadroomError } from '../core/errors.js';

test('parseRunFilter reads every filter', () => {
  assert.deepEqual(parseRunFilter(new URLSearchParams('kind=squeeze&status=passed&target=/x&since=1000&until=2026-01-01T00:00:00Z&label=svc=pay&limit=5')), {
    kind: 'squeeze', status: 'passed', target: '/x', since: 1000, until: Date.parse('2026-01-01T00:00:00Z'), label: { key: 'svc', value: 'pay' }, limit: 5,
  });
});

test('parseRunFilter rejects unknown parameters and bad values with HR_E_BAD_QUERY', () => {
  for (const q of ['foo=1', 'kind=load', 'status=ok', 'since=yesterday', 'limit=0', 'limit=x', 'label=novalue']) {
    assert.throws(() => parseRunFilter(new URLSearchParams(q)), (e: unknown) => isHeadroomError(e) && e.code === 'HR_E_BAD_QUERY', q);
  }
});

test('parseRunFilter either parses or throws a coded error, for any query string (property)', () => {
  fc.assert(fc.property(fc.string(), (s) => {
    try {
      parseRunFilter(new URLSearchParams(s));
      return true;
    } catch (e) {
      return isHeadroomError(e) && e.code === 'HR_E_BAD_QUERY' && !e.message.includes('\n');
    }
  }));
});
