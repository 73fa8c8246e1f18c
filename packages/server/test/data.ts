import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbImage } from '../src/analysis/raster.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared test photos: FACELIGHT_TEST_DATA or ../shared/data beside the repo. Missing data fails loudly. */
export const DATA_DIR = path.resolve(process.env.FACELIGHT_TEST_DATA ?? path.join(repoRoot, '../shared/data'));
if (!existsSync(path.join(DATA_DIR, 'faces'))) {
  throw new Error(`test data not found at ${DATA_DIR}: set FACELIGHT_TEST_DATA to the shared data folder`);
}

export const MODEL_DIR = path.resolve(process.env.FACELIGHT_MODEL_DIR ?? path.join(repoRoot, 'models'));

export const face = (name: string) => {
  for (const sub of ['face_recognition', 'faceapi', 'jp2']) {
    const p = path.join(DATA_DIR, 'faces', sub, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`no test photo named ${name} in ${DATA_DIR}`);
};

/** Decoded straight with sharp, for tests of the analysis alone. */
export async function loadRgb(name: string): Promise<RgbImage> {
  const { data, info } = await sharp(face(name)).rotate().flatten({ background: '#fff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Photos of known identity (same person = same label), one face each. */
export function devIdentities(): { file: string; id: string }[] {
  const faceapi = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].flatMap((id) =>
    [1, 2, 3, 4, 5].map((n) => ({ file: `${id}${n}.png`, id })),
  );
  const named: [string, string][] = [
    ['obama.jpg', 'obama'], ['obama2.jpg', 'obama'], ['obama3.jpg', 'obama'], ['obama-1080p.jpg', 'obama'],
    ['biden.jpg', 'biden'], ['biden_biden2.jpg', 'biden'],
    ['kit_harington_john1.jpeg', 'kit'], ['kit_harington_john2.jpeg', 'kit'],
    ['rose_leslie_img1.jpg', 'rose'], ['rose_leslie_img2.jpg', 'rose'],
    ['alex-lacamoire.png', 'alex'], ['lin-manuel-miranda.png', 'lin'],
  ];
  return [...faceapi, ...named.map(([file, id]) => ({ file, id }))];
}
