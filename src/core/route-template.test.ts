import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTemplater, templateSegment } from './route-template.js';

test('segments: numeric, UUID, hex and token-like become parameters; names stay', () => {
  assert.equal(templateSegment('42'), '{id}');
  assert.equal(templateSegment('550e8400-e29b-41d4-a716-446655440000'), '{uuid}');
  assert.equal(templateSegment('3f2a9c1b77e04d21'), '{hex}');
  assert.equal(templateSegment('aZ3xK9mQ2pL7vB8nR4tY'), '{token}');
  for (const name of ['users', 'friends', 'kibana-search.png', 'deadbeef', 'v2', 'logstash-1.3.2-monolithic.jar']) {
    assert.equal(templateSegment(name), name);
  }
});

test('user patterns win over segment rules, OTel http.route over both', () => {
  const t = new RouteTemplater(['/users/{id}/friends', '/static/*']);
  assert.equal(t.template('/users/alice/friends'), '/users/{id}/friends');
  assert.equal(t.template('/users/alice/posts'), '/users/alice/posts');
  assert.equal(t.template('/users/7/posts'), '/users/{id}/posts');
  assert.equal(t.template('/static/a/b/c.css'), '/static/*');
  assert.equal(t.template('/users/7/friends', '/u/:id/f'), '/u/:id/f');
  assert.throws(() => new RouteTemplater(['users']), /--route: expected a pattern starting with "\/"/);
  assert.throws(() => new RouteTemplater(['/a{b}']), /must be a literal or a whole \{name\}/);
});
