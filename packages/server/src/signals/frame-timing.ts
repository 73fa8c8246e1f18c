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
/** Capture span the arrival span is compared with; shorter captures are too easily bunched by the network. */
const MIN_SPAN_MS = 500;
/**
 * Frames cannot arrive faster than they were captured, except that a stalled
 * network releases a backlog at once: arriving in under half the capture
 * span is more than any stall explains.
 */
const MIN_ARRIVAL_SHARE = 0.5;
/**
 * Capture times of a camera jitter by tens of microseconds at least (and the
 * browser coarsens them to 0.1 ms, which alternates intervals); intervals
 * equal to within 10 µs are computed, not measured.
 */
const MIN_INTERVAL_SD_MS = 0.01;

/**
 * Whether the frames look captured by a camera in real time: not sent faster
 * than they were captured, not stamped with arithmetic timestamps, and no
 * two with the same bytes (sensor noise makes every real frame different).
 */
export function assessFrameTiming(frames: readonly FrameArrival[]): TimingFinding[] {
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
  const arrivalSpan = last.receivedAt - first.receivedAt;
  const problems: string[] = [];
  if (captureSpan >= MIN_SPAN_MS && arrivalSpan < MIN_ARRIVAL_SHARE * captureSpan) {
    problems.push(`${Math.round(captureSpan)} ms of capture arrived in ${Math.round(arrivalSpan)} ms`);
  }
  const intervals = frames.slice(1).map((f, i) => f.t - frames[i]!.t);
  const mean = intervals.reduce((a, v) => a + v, 0) / intervals.length;
  const sd = Math.sqrt(intervals.reduce((a, v) => a + (v - mean) ** 2, 0) / intervals.length);
  if (sd < MIN_INTERVAL_SD_MS) problems.push(`${intervals.length} capture intervals identical to ${sd.toFixed(4)} ms`);
  if (problems.length > 0) findings.push({ reason: 'FRAME_TIMING_ANOMALY', signal: 'frameTiming', detail: problems.join('; ') });
  return findings;
}
