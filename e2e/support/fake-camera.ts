import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * A selfie-like camera feed made from a still photo with ffmpeg: a 4:3 crop
 * around the face (face about 55 % of the frame height), then a slow zoom,
 * a slow pan and per-frame sensor noise, so no two frames are identical.
 * Chromium loops the file as its fake camera.
 */
export function makeFakeCamera(photo: string, face: FaceBox | null, name: string): string {
  const dir = path.join(tmpdir(), 'facelight-e2e-cameras');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${name}.mjpeg`);
  if (existsSync(out)) return out;
  const filters: string[] = [];
  if (face) {
    const h = Math.round(face.h / 0.55);
    const w = Math.round((h * 4) / 3);
    const cx = face.x + face.w / 2, cy = face.y + face.h / 2;
    // Pad generously so the crop can sit anywhere; grey is what a dim room behind the user looks like.
    filters.push(`pad=iw+${2 * w}:ih+${2 * h}:${w}:${h}:color=0x6e6a64`);
    filters.push(`crop=${w}:${h}:${Math.round(cx + w - w / 2)}+${Math.round(w * 0.02)}*sin(t*0.9):${Math.round(cy + h - h / 2)}+${Math.round(h * 0.015)}*sin(t*0.7)`);
  }
  filters.push('scale=640:480', `zoompan=z='1.03+0.03*sin(on/45)':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=640x480:fps=30`, 'noise=alls=6:allf=t', 'format=yuvj420p');
  // Written aside and renamed, so an interrupted run never leaves a truncated camera to reuse.
  const partial = `${out}.partial`;
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', photo, '-vf', filters.join(','), '-t', '6', '-r', '30', '-q:v', '5', '-f', 'mjpeg', partial], { stdio: 'inherit' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('ffmpeg is needed to make the fake camera: apt-get install ffmpeg');
    throw err;
  }
  renameSync(partial, out);
  return out;
}
