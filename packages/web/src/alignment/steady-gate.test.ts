import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeedbackCode } from '@facelight/protocol';
import { STEADY_MS, isSteady, openGate, updateGate } from './steady-gate.js';

function feed(steps: [FeedbackCode, number][]) {
  return steps.reduce((gate, [code, t]) => updateGate(gate, code, t), openGate());
}

test('aligned must hold for STEADY_MS before capture', () => {
  const gate = feed([
    ['ALIGNED', 1000],
    ['ALIGNED', 1170],
    ['ALIGNED', 1340],
  ]);
  assert.equal(isSteady(gate, 1340), false);
  assert.equal(isSteady(gate, 1000 + STEADY_MS), true);
});

test('any other code restarts the wait', () => {
  const gate = feed([
    ['ALIGNED', 1000],
    ['HOLD_STILL', 1400],
    ['ALIGNED', 1600],
  ]);
  assert.equal(isSteady(gate, 1900), false);
  assert.equal(isSteady(gate, 2100), true);
});

test('a closed gate is never steady', () => {
  assert.equal(isSteady(openGate(), 1e9), false);
});
