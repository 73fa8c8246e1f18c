import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The script-tag build without MediaPipe (loaded at run time from the verifier). */
const BUDGET_BYTES = 60 * 1024;
const bundle = fileURLToPath(new URL('../dist/facelight.js', import.meta.url));

test('the script-tag SDK stays within 60 KB gzipped', () => {
  let code: Buffer;
  try {
    code = readFileSync(bundle);
  } catch {
    assert.fail(`${bundle} is missing: build the SDK first (npm run build -w @facelight/web)`);
  }
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`facelight.js: ${code.length} bytes, ${gzipped} gzipped (budget ${BUDGET_BYTES})`);
  assert.ok(gzipped <= BUDGET_BYTES, `facelight.js is ${gzipped} bytes gzipped, over the ${BUDGET_BYTES}-byte budget`);
});
