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

test('memory store: a session is gone at its expiresAt, for reads and updates alike, and a later expiresAt keeps it', async () => {
  let now = 1_000;
  const store = new MemorySessionStore(() => now);
  const session = { id: 's1', mode: 'express', apiKeyId: 'k', createdAt: 1_000, expiresAt: 61_000, clientTokenHash: 'ab'.repeat(32), state: 'created' } as const;
  try {
    await store.create(session);
    now = 60_999;
    assert.equal((await store.get('s1'))?.id, 's1');
    await store.update('s1', (s) => ({ ...s, expiresAt: 120_000 }));
    now = 61_000;
    assert.equal((await store.get('s1'))?.expiresAt, 120_000);
    now = 120_000;
    assert.equal(await store.get('s1'), undefined);
    assert.equal(await store.update('s1', (s) => s), undefined);
  } finally {
    await store.close();
  }
});
