/**
 * The real portraits the simulated sessions are made of (DESIGN §7 test data),
 * with their face boxes as the verifier's detector finds them, framed like a
 * 640x480 selfie camera.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { faceFromBox, frameCrop, placeGeometry, type FaceBox, type FaceGeometry, type RasterImage } from '@facelight/simulator';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const DATA_DIR = path.resolve(process.env.FACELIGHT_TEST_DATA ?? path.join(repo, '../shared/data'));

export interface PortraitSpec {
  /** File under faces/face_recognition. */
  file: string;
  /** Face box from fr_detect (hairline to chin, cheek to cheek), in the EXIF-rotated photo. */
  box: FaceBox;
}

/**
 * Faces the SDK would let through to a capture: its alignment asks the user
 * to look straight beyond 20° of yaw, and the simulated head is frontal, so a
 * turned face would get a falloff that does not follow it. Yaw from the
 * verifier's landmarks: obama 2°, biden 14°, rose_leslie 4° and -4°,
 * alex-lacamoire 19°, lin-manuel-miranda 13°, obama3 13°; kit_harington_john2
 * (-29°) is left out for that reason.
 */
export const PORTRAITS: PortraitSpec[] = [
  { file: 'obama.jpg', box: { x: 382, y: 86, w: 222, h: 321 } },
  { file: 'biden.jpg', box: { x: 434, y: 175, w: 267, h: 383 } },
  { file: 'rose_leslie_img1.jpg', box: { x: 636, y: 72, w: 249, h: 304 } },
  { file: 'rose_leslie_img2.jpg', box: { x: 184, y: 109, w: 230, h: 359 } },
  { file: 'alex-lacamoire.png', box: { x: 186, y: 90, w: 140, h: 226 } },
  { file: 'lin-manuel-miranda.png', box: { x: 276, y: 127, w: 240, h: 365 } },
  { file: 'obama3.jpg', box: { x: 650, y: 252, w: 258, h: 359 } },
];

export const portraitPath = (file: string) => {
  const p = path.join(DATA_DIR, 'faces', 'face_recognition', file);
  if (!existsSync(p)) throw new Error(`portrait ${p} not found: set FACELIGHT_TEST_DATA`);
  return p;
};

/** The grey of a dim room behind the user, where the photo does not reach (as e2e/support/fake-camera.ts pads). */
export const PAD_RGB = [0x6e, 0x6a, 0x64] as const;

export interface FramedPortrait {
  image: RasterImage & { data: Uint8Array };
  face: FaceGeometry;
}

/** The portrait cropped and scaled so the face fills 55 % of a width x height frame, padded with the room's grey. */
export async function framePortrait(spec: PortraitSpec, width = 640, height = 480): Promise<FramedPortrait> {
  const crop = frameCrop(spec.box, width, height, { faceShare: 0.55, cy: 0.48 });
  const { scale } = crop.placement;
  const src = sharp(portraitPath(spec.file)).rotate();
  const meta = await src.metadata();
  const rotated = (meta.orientation ?? 1) >= 5;
  const w = rotated ? meta.height! : meta.width!, h = rotated ? meta.width! : meta.height!;
  const sw = Math.max(1, Math.round(w * scale)), sh = Math.max(1, Math.round(h * scale));
  const resized = await sharp(portraitPath(spec.file)).rotate().resize(sw, sh).flatten({ background: '#fff' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const left = Math.round(crop.sx * scale), top = Math.round(crop.sy * scale);
  const data = new Uint8Array(width * height * 3);
  const rw = resized.info.width, rh = resized.info.height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const X = x + left, Y = y + top, o = (y * width + x) * 3;
      if (X < 0 || Y < 0 || X >= rw || Y >= rh) {
        data[o] = PAD_RGB[0];
        data[o + 1] = PAD_RGB[1];
        data[o + 2] = PAD_RGB[2];
      } else {
        const i = (Y * rw + X) * 3;
        data[o] = resized.data[i]!;
        data[o + 1] = resized.data[i + 1]!;
        data[o + 2] = resized.data[i + 2]!;
      }
    }
  }
  return { image: { width, height, channels: 3, data }, face: placeGeometry(faceFromBox(spec.box), { scale, dx: -left, dy: -top }) };
}
