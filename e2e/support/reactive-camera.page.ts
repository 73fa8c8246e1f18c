/**
 * PAGE SIDE of the reactive test camera (runs in Chromium, not in Node):
 * a canvas `captureStream(30)` whose frames are a real portrait rendered
 * through @facelight/simulator's physical model, lit by the colour the SDK
 * announces with its test-only `facelight:display` event, drawn by a worker
 * (reactive-camera.worker.ts) into the canvas's OffscreenCanvas. The Node side
 * (reactive-camera.ts) transpiles this file and serves it with the compiled
 * simulator at the verifier's origin; '@facelight/simulator' is rewritten to
 * that URL.
 */
/// <reference lib="dom" />
import { faceFromBox, frameCrop, placeGeometry, type FaceBox, type SceneInput } from '@facelight/simulator';

export interface PageCameraOptions {
  portraitUrl: string;
  /** The camera worker (reactive-camera.worker.ts as served). */
  workerUrl: string;
  box: FaceBox;
  scene: SceneInput;
  width?: number;
  height?: number;
  fps?: number;
}

interface DisplayDetail {
  index: number;
  t: number;
  rgb?: [number, number, number];
}

export interface PageCamera {
  stream: MediaStream;
  /** What the SDK announced, in order. */
  displays: DisplayDetail[];
  /** Frames drawn so far. */
  frames(): number;
  setSequence(colors: [number, number, number][]): void;
  stop(): void;
}

export async function startReactiveCamera(options: PageCameraOptions): Promise<PageCamera> {
  const width = options.width ?? 640, height = options.height ?? 480, fps = options.fps ?? 30;
  const img = new Image();
  img.src = options.portraitUrl;
  await img.decode();

  // The portrait framed like the fake camera and bench:pad: the face 55 % of the height, the room's grey around the photo.
  const scratch = document.createElement('canvas');
  scratch.width = width;
  scratch.height = height;
  const sctx = scratch.getContext('2d', { willReadFrequently: true });
  if (!sctx) throw new Error('no 2d canvas');
  const crop = frameCrop(options.box, width, height, { faceShare: 0.55, cy: 0.48 });
  sctx.fillStyle = '#6e6a64';
  sctx.fillRect(0, 0, width, height);
  sctx.drawImage(img, crop.sx, crop.sy, crop.sw, crop.sh, 0, 0, width, height);
  const pixels = sctx.getImageData(0, 0, width, height).data;

  // The frames are drawn by a worker into this canvas, so a busy page does not slow the camera down.
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const stream = canvas.captureStream(fps);
  const offscreen = canvas.transferControlToOffscreen();
  const worker = new Worker(options.workerUrl, { type: 'module' });
  let drawn = 0;
  worker.onmessage = (event: MessageEvent<{ type: string; drawn: number }>) => {
    if (event.data.type === 'drawn') drawn = event.data.drawn;
  };
  const face = placeGeometry(faceFromBox(options.box), crop.placement);
  worker.postMessage(
    { type: 'init', canvas: offscreen, pixels, width, height, face, scene: options.scene, fps, pageOrigin: performance.timeOrigin },
    [offscreen, pixels.buffer],
  );

  const displays: DisplayDetail[] = [];
  const onDisplay = (event: Event) => {
    const detail = (event as CustomEvent<DisplayDetail>).detail;
    displays.push(detail);
    worker.postMessage({ type: 'display', index: detail.index, t: detail.t, rgb: detail.rgb });
  };
  window.addEventListener('facelight:display', onDisplay);

  return {
    stream,
    displays,
    frames: () => drawn,
    setSequence: (colors) => worker.postMessage({ type: 'sequence', colors }),
    stop() {
      worker.postMessage({ type: 'stop' });
      window.removeEventListener('facelight:display', onDisplay);
      for (const track of stream.getTracks()) track.stop();
    },
  };
}
