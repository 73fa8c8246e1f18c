import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraError, cameraErrorCode } from './camera-error.js';

const domError = (name: string, extra: object = {}) => Object.assign(new Error('x'), { name }, extra);

test('getUserMedia errors map to the SDK codes', () => {
  assert.equal(cameraErrorCode(domError('NotAllowedError')), 'CAMERA_DENIED');
  assert.equal(cameraErrorCode(domError('SecurityError')), 'CAMERA_DENIED');
  assert.equal(cameraErrorCode(domError('NotFoundError')), 'NO_CAMERA');
  assert.equal(cameraErrorCode(domError('OverconstrainedError', { constraint: 'deviceId' })), 'NO_CAMERA');
  assert.equal(cameraErrorCode(domError('NotReadableError')), 'CAMERA_BUSY');
  assert.equal(cameraErrorCode(domError('AbortError')), 'CAMERA_BUSY');
});

test('a camera too slow for the frame-rate floor is LOW_FRAME_RATE', () => {
  assert.equal(cameraErrorCode(domError('OverconstrainedError', { constraint: 'frameRate' })), 'LOW_FRAME_RATE');
});

test('unknown failures are CAMERA_BUSY and keep their cause', () => {
  const cause = new Error('boom');
  const err = cameraError(cause);
  assert.equal(err.code, 'CAMERA_BUSY');
  assert.equal(err.cause, cause);
  assert.equal(cameraErrorCode(null), 'CAMERA_BUSY');
});
