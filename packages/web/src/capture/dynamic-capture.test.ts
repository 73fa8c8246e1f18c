import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeVideo, fakeBrowserGlobals } from '../../test/fake-video.js';
import { captureDynamic } from './dynamic-capture.js';
import type { CapturedFrame } from './express-capture.js';

test("every Dynamic frame carries the challenge's nonce, through warm-up, colours and tail", async () => {
  const browser = fakeBrowserGlobals();
  try {
    const video = new FakeVideo();
    const frames: CapturedFrame[] = [];
    const displayed: number[] = [];
    const capture = captureDynamic({
      video: video.element,
      nonce: 'mGcB7Fo0t2Xv7GFr1hXyQw',
      cameraFps: 30,
      capture: { maxWidth: 320, jpegQuality: 0.8, fps: 30, warmupMs: 100, tailMs: 100 },
      colors: [
        { rgb: [0, 0, 255], ms: 200 },
        { rgb: [0, 255, 0], ms: 200 },
      ],
      surface: { show: () => undefined, hide: () => undefined },
      deliver: (frame) => frames.push(frame),
      onDisplay: (index) => displayed.push(index),
      onProgress: () => undefined,
    });
    // A 60 Hz screen and a 30 fps camera for a second, longer than the 600 ms the capture needs.
    for (let i = 0; i < 60; i++) {
      const t = 1000 + i * (1000 / 60);
      browser.animationFrame(t);
      if (i % 2 === 0) video.present(t);
    }
    const count = await capture.finished;
    assert.deepEqual(displayed, [0, 1, -1]);
    assert.ok(count >= 18, `${count} frames`);
    assert.deepEqual(
      frames.map((f) => [f.header.nonce, f.header.seq]),
      frames.map((_, seq) => ['mGcB7Fo0t2Xv7GFr1hXyQw', seq]),
    );
  } finally {
    browser.restore();
  }
});
