import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTerminal, transition, type ScanEvent, type ScanState } from './machine.js';

function run(events: ScanEvent[]): ScanState {
  return events.reduce<ScanState>((state, event) => {
    const next = transition(state, event);
    assert.ok(next, `${event} not allowed in ${state}`);
    return next;
  }, 'idle');
}

test('the happy path goes through every phase in order', () => {
  assert.equal(
    run(['START', 'CAMERA_READY', 'ALIGNER_READY', 'CHALLENGE_RECEIVED', 'ALIGNED', 'CAPTURE_SENT', 'RESULT_RECEIVED']),
    'done',
  );
});

test('Dynamic: notice, then warm-up, colours and tail before verifying', () => {
  const dynamic: ScanEvent[] = ['START', 'CAMERA_READY', 'ALIGNER_READY', 'NOTICE_REQUIRED', 'NOTICE_ACCEPTED', 'ALIGNED'];
  assert.equal(run(dynamic), 'capturing');
  assert.equal(run([...dynamic, 'FLASH_START']), 'flashing');
  assert.equal(run([...dynamic, 'FLASH_START', 'FLASH_END', 'CAPTURE_SENT', 'RESULT_RECEIVED']), 'done');
  // Notice already accepted in this browser, or turned off by the integrator.
  assert.equal(run(['START', 'CAMERA_READY', 'ALIGNER_READY', 'CHALLENGE_RECEIVED', 'ALIGNED', 'FLASH_START', 'FLASH_END']), 'settling');
});

test('a capture that ends mid-colour goes straight to verifying', () => {
  assert.equal(transition('flashing', 'CAPTURE_SENT'), 'verifying');
});

test('an alignment timeout skips capture and still asks the verifier', () => {
  assert.equal(transition('aligning', 'ALIGN_TIMEOUT'), 'verifying');
  assert.equal(run(['START', 'CAMERA_READY', 'ALIGNER_READY', 'CHALLENGE_RECEIVED', 'ALIGN_TIMEOUT', 'RESULT_RECEIVED']), 'done');
});

test('every active phase can fail or be cancelled', () => {
  for (const state of ['camera', 'loading', 'connecting', 'notice', 'aligning', 'capturing', 'flashing', 'settling', 'verifying'] as const) {
    assert.equal(transition(state, 'FAIL'), 'failed');
    assert.equal(transition(state, 'CANCEL'), 'cancelled');
  }
});

test('steps out of order are refused', () => {
  assert.equal(transition('idle', 'ALIGNED'), undefined);
  assert.equal(transition('camera', 'CHALLENGE_RECEIVED'), undefined);
  assert.equal(transition('capturing', 'ALIGN_TIMEOUT'), undefined);
  assert.equal(transition('connecting', 'RESULT_RECEIVED'), undefined);
  assert.equal(transition('notice', 'ALIGNED'), undefined);
  assert.equal(transition('aligning', 'FLASH_START'), undefined);
  // One colour sequence per scan.
  assert.equal(transition('settling', 'FLASH_START'), undefined);
});

test('terminal states accept nothing, so a late cancel cannot undo a result', () => {
  for (const state of ['done', 'failed', 'cancelled'] as const) {
    assert.ok(isTerminal(state));
    assert.equal(transition(state, 'CANCEL'), undefined);
    assert.equal(transition(state, 'FAIL'), undefined);
  }
  assert.equal(isTerminal('aligning'), false);
});
