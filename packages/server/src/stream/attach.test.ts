import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamSessionId } from './attach.js';

const ID = '0b7e2d1c-58b2-4b8e-9a51-6e3f3d0c2a11';

test('the session id comes from {basePath}/v1/sessions/{id}/stream only', () => {
  assert.equal(streamSessionId(`/v1/sessions/${ID}/stream`), ID);
  assert.equal(streamSessionId(`/v1/sessions/${ID}/stream?x=1`), ID);
  assert.equal(streamSessionId(`/facelight/v1/sessions/${ID}/stream`, '/facelight'), ID);
  assert.equal(streamSessionId(`/facelight/v1/sessions/${ID}/stream`, 'facelight/'), ID);
  for (const url of [
    undefined,
    '/',
    `/v1/sessions/${ID}`,
    `/v1/sessions/${ID}/stream/`,
    `/v1/sessions//stream`,
    `/v1/sessions/a/b/stream`,
    `/v1/sessions/..%2F..%2Fetc/stream`,
    `/other/v1/sessions/${ID}/stream`,
  ]) {
    assert.equal(streamSessionId(url), undefined, url);
  }
  assert.equal(streamSessionId(`/v1/sessions/${ID}/stream`, '/facelight'), undefined);
});
