/**
 * WORKER SIDE of the reactive test camera (a dedicated worker in Chromium):
 * renders the frames into the page canvas's OffscreenCanvas, so the camera
 * keeps its frame rate while the page's main thread is busy (loading the face
 * model, encoding frames), as a real camera does. Times are converted to the
 * page's performance.now clock, which the SDK's display events use.
 */
/// <reference lib="webworker" />
import { ReactiveCameraModel, type FaceGeometry, type SceneInput } from '@facelight/simulator';

type Message =
  | { type: 'init'; canvas: OffscreenCanvas; pixels: Uint8ClampedArray; width: number; height: number; face: FaceGeometry; scene: SceneInput; fps: number; pageOrigin: number }
  | { type: 'display'; index: number; t: number; rgb?: [number, number, number] }
  | { type: 'sequence'; colors: [number, number, number][] }
  | { type: 'stop' };

let model: ReactiveCameraModel | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let drawn = 0;

self.onmessage = (event: MessageEvent<Message>) => {
  const m = event.data;
  if (m.type === 'init') {
    const { canvas, width, height, fps } = m;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context in the worker');
    model = new ReactiveCameraModel({ width, height, channels: 4, data: m.pixels }, m.face, m.scene);
    const frame = ctx.createImageData(width, height);
    const offset = performance.timeOrigin - m.pageOrigin;
    const period = 1000 / fps;
    let next = performance.now();
    const tick = () => {
      model!.render(performance.now() + offset, frame.data, 4);
      ctx.putImageData(frame, 0, 0);
      drawn++;
      if (drawn % 15 === 0) self.postMessage({ type: 'drawn', drawn });
      next += period;
      timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  } else if (m.type === 'display') {
    model?.display(m.t, m.index, m.rgb);
  } else if (m.type === 'sequence') {
    model?.setSequence(m.colors);
  } else if (m.type === 'stop') {
    clearTimeout(timer);
    self.close();
  }
};
