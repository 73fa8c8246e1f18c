import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noticeAccepted, rememberNotice } from './photosensitivity.js';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

test('the notice is shown until accepted once', () => {
  const storage = memoryStorage();
  assert.equal(noticeAccepted(() => storage), false);
  rememberNotice(() => storage);
  assert.equal(noticeAccepted(() => storage), true);
});

test('blocked storage: shown every time, never an error', () => {
  const blocked = () => {
    throw new DOMException('denied', 'SecurityError');
  };
  assert.equal(noticeAccepted(blocked), false);
  assert.doesNotThrow(() => rememberNotice(blocked));
  const full = { getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
  assert.doesNotThrow(() => rememberNotice(() => full));
  assert.equal(noticeAccepted(() => full), false);
});
