import { EYE_POINTS, type Point3 } from '../src/alignment/face-geometry.js';

/**
 * A synthetic face for tests: the mesh points the SDK reads (face outline and
 * eyes) placed like a frontal face, plus the transformation matrix MediaPipe
 * would report for the given head rotation.
 */
export interface SyntheticFace {
  cx?: number;
  cy?: number;
  /** Face width, normalised to video width; the face is 1.3 times as tall. */
  width?: number;
  yaw?: number;
  pitch?: number;
  roll?: number;
  /** Eye opening as a share of eye width. */
  eyeOpen?: number;
  aspect?: number;
}

export function syntheticFace(face: SyntheticFace = {}): { landmarks: Point3[]; matrix: number[]; aspect: number } {
  const { cx = 0.5, cy = 0.5, width = 0.3, yaw = 0, pitch = 0, roll = 0, eyeOpen = 0.3, aspect = 4 / 3 } = face;
  const landmarks: Point3[] = Array.from({ length: 478 }, () => ({ x: cx, y: cy, z: 0 }));
  // Outline extremes, in face widths from the centre; y grows with the video's height.
  const put = (i: number, x: number, y: number) => (landmarks[i] = { x: cx + x * width, y: cy + y * width * aspect, z: 0 });
  put(234, -0.5, 0);
  put(454, 0.5, 0);
  put(10, 0, -0.65);
  put(152, 0, 0.65);
  const eye = (ids: readonly number[], x0: number) => {
    const [p1, p2, p3, p4, p5, p6] = ids as [number, number, number, number, number, number];
    const w = 0.2;
    const h = (eyeOpen * w) / 2;
    put(p1, x0 - w / 2, -0.15);
    put(p4, x0 + w / 2, -0.15);
    put(p2, x0 - w / 6, -0.15 - h);
    put(p3, x0 + w / 6, -0.15 - h);
    put(p6, x0 - w / 6, -0.15 + h);
    put(p5, x0 + w / 6, -0.15 + h);
  };
  eye(EYE_POINTS.right, -0.22);
  eye(EYE_POINTS.left, 0.22);
  return { landmarks, matrix: rotationMatrix(yaw, pitch, roll), aspect };
}

/** Column-major 4×4 of Rz(roll)·Ry(yaw)·Rx(pitch), the order headPose() inverts. */
export function rotationMatrix(yaw: number, pitch: number, roll: number): number[] {
  const [a, b, c] = [yaw, pitch, roll].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const [cy, sy, cp, sp, cr, sr] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(c), Math.sin(c)];
  const R = [
    [cr * cy, cr * sy * sp - sr * cp, cr * sy * cp + sr * sp],
    [sr * cy, sr * sy * sp + cr * cp, sr * sy * cp - cr * sp],
    [-sy, cy * sp, cy * cp],
  ];
  const m: number[] = [];
  for (let col = 0; col < 4; col++) for (let row = 0; row < 4; row++) m.push(row < 3 && col < 3 ? R[row]![col]! : row === col ? 1 : 0);
  return m;
}
