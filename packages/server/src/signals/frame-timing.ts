import type { ResultReasonCode } from '@facelight/protocol';

/** One received frame: capture time on the page clock, arrival on the verifier's clock (ms), and a digest of its JPEG bytes. */
export interface FrameArrival {
  t: number;
  receivedAt: number;
  digest: string;
}

export interface TimingFinding {
  reason: Extract<ResultReasonCode, 'FRAME_TIMING_ANOMALY' | 'DUPLICATE_FRAMES'>;
  signal: 'frameTiming' | 'duplicateFrames';
  detail: string;
}

/** Frames needed before the timing statistics mean anything. */
const MIN_FRAMES = 8;
/** Capture spans shorter than this are not judged: too little to tell a camera from a file. */
const MIN_SPAN_MS = 500;
/**
 * Capture times a browser coarsens (Firefox's fingerprinting resistance rounds
 * them to as much as 100 ms) can overstate the capture span by this much.
 */
const CLOCK_SLACK_MS = 100;
/**
 * Capture times of a camera jitter by tens of microseconds at least (and the
 * browser coarsens them to 0.1 ms, which alternates intervals); intervals
 * equal to within 10 µs are computed, not measured.
 */
const MIN_INTERVAL_SD_MS = 0.01;

/**
 * Whether the frames look captured by a camera in real time: not stamped with
 * arithmetic timestamps, no two with the same bytes (sensor noise makes every
 * real frame different), and not captured over longer than the time since the
 * challenge was sent (`challengeAt`, on the clock of `receivedAt`).
 *
 * The SDK captures only after the challenge, so a real camera's last frame
 * arrives at least its capture span after it. A stall that holds the frames
 * back and releases them at once only makes them later, so no network
 * explains arriving sooner; comparing arrival and capture spans instead would
 * flag a stalled uplink. What this cannot catch is a client that waits before
 * sending faster than real time: one that can wait can also pace its frames.
 */
export function assessFrameTiming(frames: readonly FrameArrival[], challengeAt: number): TimingFinding[] {
  const findings: TimingFinding[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const f of frames) {
    if (seen.has(f.digest)) duplicates++;
    seen.add(f.digest);
  }
  if (duplicates > 0) findings.push({ reason: 'DUPLICATE_FRAMES', signal: 'duplicateFrames', detail: `${duplicates} of ${frames.length} frames repeat an earlier one byte for byte` });

  if (frames.length < MIN_FRAMES) return findings;
  const first = frames[0]!, last = frames[frames.length - 1]!;
  const captureSpan = last.t - first.t;
  const sinceChallenge = last.receivedAt - challengeAt;
  const problems: string[] = [];
  if (captureSpan >= MIN_SPAN_MS && sinceChallenge < captureSpan - CLOCK_SLACK_MS) {
    problems.push(`${Math.round(captureSpan)} ms of capture had all arrived ${Math.round(sinceChallenge)} ms after the challenge`);
  }
  const intervals = frames.slice(1).map((f, i) => f.t - frames[i]!.t);
  const mean = intervals.reduce((a, v) => a + v, 0) / intervals.length;
  const sd = Math.sqrt(intervals.reduce((a, v) => a + (v - mean) ** 2, 0) / intervals.length);
  if (sd < MIN_INTERVAL_SD_MS) problems.push(`${intervals.length} capture intervals identical to ${sd.toFixed(4)} ms`);
  if (problems.length > 0) findings.push({ reason: 'FRAME_TIMING_ANOMALY', signal: 'frameTiming', detail: problems.join('; ') });
  return findings;
}
