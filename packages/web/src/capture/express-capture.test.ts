import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_JPEG, FakeVideo, fakeBrowserGlobals } from '../../test/fake-video.js';
import { captureExpress, type CapturedFrame } from './express-capture.js';

test("every Express frame carries the challenge's nonce, in capture order", async () => {
  const browser = fakeBrowserGlobals();
  try {
    const video = new FakeVideo();
    const frames: CapturedFrame[] = [];
    const capture = captureExpress(
      video.element,
      { nonce: 'mGcB7Fo0t2Xv7GFr1hXyQw', capture: { maxWidth: 320, jpegQuality: 0.8, fps: 30, durationMs: 100 } },
      (frame) => frames.push(frame),
      () => undefined,
    );
    for (const t of [1000, 1033.3, 1066.7, 1100]) video.present(t);
    assert.equal(await capture.finished, 3);
    assert.deepEqual(
      frames.map((f) => f.header),
      [1000, 1033.3, 1066.7].map((t, seq) => ({ type: 'frame', nonce: 'mGcB7Fo0t2Xv7GFr1hXyQw', seq, t, w: 320, h: 240 })),
    );
    assert.deepEqual(frames[0]!.jpeg, FAKE_JPEG);
  } finally {
    browser.restore();
  }
});
