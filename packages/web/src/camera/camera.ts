import { FacelightError } from '../errors.js';
import { cameraError } from './camera-error.js';

export interface CameraInfo {
  deviceId: string;
  label: string;
  width: number;
  height: number;
  /** As the track reports it; the measured rate is checked separately. */
  frameRate: number | undefined;
}

/** Throws INSECURE_CONTEXT where the browser withholds the camera API altogether. */
export function assertCameraAvailable(): void {
  if (!globalThis.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new FacelightError('INSECURE_CONTEXT');
  }
}

/**
 * Opens the front camera at about VGA, which is all the verifier uses and keeps
 * encoding cheap. A `deviceId` the user picked must be honoured (`exact`); one
 * remembered by the page is only preferred, since cameras come and go.
 */
export async function openCamera(deviceId: string | undefined, mustUseDevice = false): Promise<MediaStream> {
  assertCameraAvailable();
  const video: MediaTrackConstraints = {
    width: { ideal: 640 },
    height: { ideal: 480 },
    frameRate: { ideal: 30, min: 15 },
  };
  if (deviceId) video.deviceId = mustUseDevice ? { exact: deviceId } : { ideal: deviceId };
  else video.facingMode = 'user';
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (err) {
    throw cameraError(err);
  }
}

export function describeCamera(stream: MediaStream): CameraInfo {
  const track = stream.getVideoTracks()[0];
  const settings = track?.getSettings() ?? {};
  return {
    deviceId: settings.deviceId ?? '',
    label: track?.label ?? '',
    width: settings.width ?? 0,
    height: settings.height ?? 0,
    frameRate: settings.frameRate,
  };
}

export function stopCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Video inputs, labelled once permission was granted. */
export async function listCameras(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  } catch {
    return [];
  }
}
