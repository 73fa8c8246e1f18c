import assert from 'node:assert/strict';
import { StreamError } from './errors.js';

/** The code of the StreamError `fn` throws; fails the test when it accepts. */
export function refusal(fn: () => void, what = 'the message'): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StreamError, String(err));
    return err.code;
  }
  assert.fail(`${what} was accepted`);
}
