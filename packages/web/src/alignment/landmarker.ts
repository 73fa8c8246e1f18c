import type * as TasksVision from '@mediapipe/tasks-vision';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';

/** tasks-vision needs WebGL2 even with the CPU delegate (DESIGN §6). */
export function hasWebGL2(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return gl !== null;
  } catch {
    return false;
  }
}

/**
 * Loads MediaPipe's FaceLandmarker from the verifier's assets at run time, so
 * the SDK bundle stays small and the page never ships the 10 MB wasm itself.
 * CPU delegate: the GPU one only gets a software rasteriser on many machines.
 */
export async function loadLandmarker(assetsBaseUrl: string): Promise<FaceLandmarker> {
  const base = new URL(assetsBaseUrl.endsWith('/') ? assetsBaseUrl : `${assetsBaseUrl}/`, document.baseURI).href;
  const vision = (await import(/* webpackIgnore: true */ /* @vite-ignore */ `${base}vision_bundle.mjs`)) as typeof TasksVision;
  // The classic (non-module) loader: the module variant fails on the main thread.
  const fileset = await vision.FilesetResolver.forVisionTasks(`${base}wasm`);
  return vision.FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: `${base}face_landmarker.task`, delegate: 'CPU' },
    runningMode: 'VIDEO',
    // Two, so a second face in view can be reported rather than ignored.
    numFaces: 2,
    // Head pose comes from MediaPipe's fit of its canonical face to the landmarks.
    outputFacialTransformationMatrixes: true,
  });
}
