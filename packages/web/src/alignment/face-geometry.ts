/**
 * Face geometry from MediaPipe's face landmarker: the 478-point mesh (x and y
 * normalised to the video, z on the scale of x) and the facial transformation
 * matrix, MediaPipe's fit of its canonical 3-D face to those landmarks.
 * Everything here is in unmirrored video coordinates: the mirror is a display
 * concern only.
 */
export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/** Axis-aligned box in normalised video coordinates. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface HeadPose {
  /** Degrees; 0 when looking straight at the camera. */
  yaw: number;
  pitch: number;
  roll: number;
}

export interface FaceObservation extends HeadPose {
  box: Box;
  /** Mean eye aspect ratio of both eyes: ~0.2–0.45 open, below ~0.1 closed. */
  eyeOpenness: number;
}

/** Six mesh points per eye for the eye aspect ratio: corners, then upper and lower lid pairs. */
export const EYE_POINTS = {
  right: [33, 160, 158, 133, 153, 144],
  left: [362, 385, 387, 263, 373, 380],
} as const;

const DEG = 180 / Math.PI;

/**
 * `matrix` is the 4×4 column-major facial transformation. The matrix beats
 * angles from a few landmark pairs for pitch: the mesh's forehead and chin
 * points are not level in depth, so a two-point estimate is biased by face shape.
 */
export function observeFace(landmarks: readonly Point3[], matrix: ArrayLike<number>, aspect: number): FaceObservation {
  const at = (i: number): Point3 => {
    const p = landmarks[i];
    if (!p) throw new RangeError(`landmark ${i} missing: expected the 478-point face mesh`);
    // Square units, so eye shapes are not skewed by the video's aspect ratio.
    return { x: p.x * aspect, y: p.y, z: p.z * aspect };
  };
  return {
    box: boundingBox(landmarks),
    ...headPose(matrix),
    eyeOpenness: (eyeAspectRatio(EYE_POINTS.right.map(at)) + eyeAspectRatio(EYE_POINTS.left.map(at))) / 2,
  };
}

/** Yaw, pitch, roll (degrees) of the rotation in a column-major 4×4 matrix. */
export function headPose(matrix: ArrayLike<number>): HeadPose {
  const r = (row: number, col: number) => matrix[col * 4 + row] ?? 0;
  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, -r(2, 0)))) * DEG,
    pitch: Math.atan2(r(2, 1), r(2, 2)) * DEG,
    roll: Math.atan2(r(1, 0), r(0, 0)) * DEG,
  };
}

export function boundingBox(points: readonly Point3[]): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

/** (|p2−p6| + |p3−p5|) / 2|p1−p4| for six eye points in the order of EYE_POINTS. */
export function eyeAspectRatio(eye: readonly Point3[]): number {
  const [p1, p2, p3, p4, p5, p6] = eye as [Point3, Point3, Point3, Point3, Point3, Point3];
  const width = distance(p1, p4);
  return width === 0 ? 0 : (distance(p2, p6) + distance(p3, p5)) / (2 * width);
}

function distance(a: Point3, b: Point3): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
