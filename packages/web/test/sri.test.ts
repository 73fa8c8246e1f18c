import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/facelight.js', import.meta.url));

test('facelight.js.sri is the sha384 integrity of the script-tag build as written', () => {
  let code: Buffer;
  let published: string;
  try {
    code = readFileSync(bundle);
    published = readFileSync(`${bundle}.sri`, 'utf8');
  } catch {
    assert.fail(`${bundle} or its .sri is missing: build the SDK first (npm run build -w @facelight/web)`);
  }
  assert.match(published, /^sha384-[A-Za-z0-9+/]{64}$/);
  assert.equal(published, `sha384-${createHash('sha384').update(code).digest('base64')}`);
});
