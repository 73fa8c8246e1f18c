import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemorySessionStore } from './store.js';

test('memory store: rate-limit hits count in a fixed window from the first hit, never below zero', async () => {
  let now = 1_000;
  const store = new MemorySessionStore(() => now);
  try {
    assert.deepEqual(await store.countHits('k', 60_000, 1), { hits: 1, resetAt: 61_000 });
    now = 30_000;
    assert.deepEqual(await store.countHits('k', 60_000, 1), { hits: 2, resetAt: 61_000 });
    assert.deepEqual(await store.countHits('k', 60_000, -1), { hits: 1, resetAt: 61_000 });
    assert.deepEqual(await store.countHits('k', 60_000, -1), { hits: 0, resetAt: 61_000 });
    assert.deepEqual(await store.countHits('k', 60_000, -1), { hits: 0, resetAt: 61_000 });
    assert.equal((await store.countHits('other', 60_000, 1)).hits, 1);
    now = 61_000;
    assert.equal((await store.countHits('k', 60_000, -1)).hits, 0);
    assert.deepEqual(await store.countHits('k', 60_000, 1), { hits: 1, resetAt: 121_000 });
  } finally {
    await store.close();
  }
});
