/**
 * Browser stand-ins for the capture tests: a video element whose frames the
 * test presents, animation frames the test runs, and a JPEG encoder canvas
 * that returns fixed bytes (the capture is under test, not the encoding).
 */
export class FakeVideo {
  readonly videoWidth = 640;
  readonly videoHeight = 480;
  private readonly callbacks = new Map<number, VideoFrameRequestCallback>();
  private nextHandle = 1;

  requestVideoFrameCallback(callback: VideoFrameRequestCallback): number {
    this.callbacks.set(this.nextHandle, callback);
    return this.nextHandle++;
  }

  cancelVideoFrameCallback(handle: number): void {
    this.callbacks.delete(handle);
  }

  /** A camera frame captured at `t`. */
  present(t: number): void {
    const callbacks = [...this.callbacks.values()];
    this.callbacks.clear();
    const metadata = { captureTime: t, presentationTime: t, expectedDisplayTime: t, width: this.videoWidth, height: this.videoHeight, mediaTime: t / 1000, presentedFrames: 0 };
    for (const callback of callbacks) callback(t, metadata);
  }

  get element(): HTMLVideoElement {
    return this as unknown as HTMLVideoElement;
  }
}

export const FAKE_JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]);

/** Installs OffscreenCanvas, requestAnimationFrame and `window` on the global object; returns the frame driver and the undo. */
export function fakeBrowserGlobals() {
  const g = globalThis as Record<string, unknown>;
  const saved = ['OffscreenCanvas', 'requestAnimationFrame', 'cancelAnimationFrame', 'window'].map((name) => [name, g[name]] as const);
  const animation = new Map<number, FrameRequestCallback>();
  let nextHandle = 1;
  g.OffscreenCanvas = class {
    getContext() {
      return { drawImage: () => undefined };
    }
    convertToBlob() {
      return Promise.resolve(new Blob([FAKE_JPEG], { type: 'image/jpeg' }));
    }
  };
  g.requestAnimationFrame = (callback: FrameRequestCallback) => {
    animation.set(nextHandle, callback);
    return nextHandle++;
  };
  g.cancelAnimationFrame = (handle: number) => animation.delete(handle);
  g.window = new EventTarget();
  return {
    /** An animation frame at `t`. */
    animationFrame(t: number): void {
      const callbacks = [...animation.values()];
      animation.clear();
      for (const callback of callbacks) callback(t);
    },
    restore(): void {
      for (const [name, value] of saved) {
        if (value === undefined) delete g[name];
        else g[name] = value;
      }
    },
  };
}
