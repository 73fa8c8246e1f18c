import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weighSignals, type Finding, type SignalWeights } from './weigh.js';

const weights: SignalWeights = { virtualCamera: 1, automation: 1, tamperedApis: 1, frameTiming: 1, duplicateFrames: 1, emulator: 0.5 };
const finding = (signal: Finding['signal'], reason: Finding['reason'] = 'INJECTION_SUSPECTED') => ({ signal, reason, detail: '' }) as Finding;

test('one full-weight signal fails; half-weight signals fail only together', () => {
  assert.deepEqual(weighSignals([], weights), { failed: false, reasons: [], weight: 0 });
  assert.equal(weighSignals([finding('virtualCamera', 'VIRTUAL_CAMERA')], weights).failed, true);
  assert.equal(weighSignals([finding('emulator')], weights).failed, false);
  // The same signal twice counts once.
  assert.equal(weighSignals([finding('emulator'), finding('emulator')], weights).failed, false);
  const both = weighSignals([finding('emulator'), finding('frameTiming', 'FRAME_TIMING_ANOMALY')], { ...weights, frameTiming: 0.5 });
  assert.deepEqual(both, { failed: true, reasons: ['INJECTION_SUSPECTED', 'FRAME_TIMING_ANOMALY'], weight: 1 });
});

test('a weight of 0 ignores the signal entirely, reasons included', () => {
  assert.deepEqual(weighSignals([finding('automation', 'AUTOMATION_DETECTED')], { ...weights, automation: 0 }), { failed: false, reasons: [], weight: 0 });
});
