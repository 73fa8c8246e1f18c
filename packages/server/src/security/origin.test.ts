import assert from 'node:assert/strict';
import { test } from 'node:test';
import { originAllowed } from './origin.js';

const SELF = 'http://127.0.0.1:8080';

test('same origin and listed origins pass; others, "null" and malformed ones do not', () => {
  assert.ok(originAllowed(undefined, SELF, []));
  assert.ok(originAllowed('http://127.0.0.1:8080', SELF, []));
  assert.ok(originAllowed('https://shop.example', SELF, ['https://shop.example']));
  assert.ok(originAllowed('HTTPS://Shop.Example:443', SELF, ['https://shop.example']));
  assert.ok(!originAllowed('https://evil.example', SELF, ['https://shop.example']));
  assert.ok(!originAllowed('http://shop.example', SELF, ['https://shop.example']));
  assert.ok(!originAllowed('https://shop.example.evil.example', SELF, ['https://shop.example']));
  assert.ok(!originAllowed('http://127.0.0.1:8081', SELF, []));
  for (const bad of ['null', '', 'file://', 'javascript:alert(1)', 'https://shop.example/path', 'https://user@shop.example']) {
    assert.ok(!originAllowed(bad, SELF, ['https://shop.example']), bad);
  }
});
