import type { ColorStep, FrameHeader } from '@facelight/protocol';
import { REGIONS_ONLY, STREAM_NEEDS, type AnalysisNeeds } from '../analysis/analyze-face.js';
import type { DisplayLog } from './displays.js';
import type { FramePlan } from './frame-intake.js';

const FULL_WITH_REGIONS: AnalysisNeeds = { ...STREAM_NEEDS, regions: true };
const REGIONS_AND_CROP: AnalysisNeeds = { ...REGIONS_ONLY, livenessCrop: true };

/**
 * The detector runs on one frame in this many (every ~170 ms at 30 fps); the
 * frames between look for the landmarks in the box of the last one that ran
 * it (see KnownFace).
 */
export const DETECT_EVERY = 5;

/**
 * Which Dynamic frames get which stages. At 30 fps with 20 sessions on two
 * cores, a frame can cost a few milliseconds, not the ~25 ms of a full
 * analysis: the reflection needs only landmarks and region means (~1.5 ms
 * once the box is known), so most frames get just those, in the box of the
 * last detecting frame. One in `heavyEvery` during the colours and one in DETECT_EVERY
 * before and after them is analysed in full, for identity and evidence.
 *
 * The passive anti-spoof model scores only faces under the room's light,
 * from every such frame (its crop costs little beside the detection): a
 * face tinted by a saturated screen colour is outside what the model was
 * trained on, and in a dim room the colour dominates it.
 */
export class DynamicPlan implements FramePlan {
  constructor(
    private readonly colors: readonly ColorStep[],
    private readonly displays: DisplayLog,
    private readonly settings: { heavyEvery: number; maxDelayMs: number },
  ) {}

  needs(header: FrameHeader, index: number): AnalysisNeeds {
    if (this.lit(header.t)) return index % this.settings.heavyEvery === 0 ? FULL_WITH_REGIONS : REGIONS_ONLY;
    return index % DETECT_EVERY === 0 ? FULL_WITH_REGIONS : REGIONS_AND_CROP;
  }

  tracks(index: number): boolean {
    return index % DETECT_EVERY !== 0;
  }

  roomLit(t: number): boolean {
    return !this.lit(t);
  }

  /**
   * Whether a frame captured at `t` may show the face under a colour, from
   * the reports so far: from the first colour's presentation until the last
   * colour has ended (its scheduled time and half again, for drift) plus the
   * longest physical delay. Before any report the colours have not started.
   */
  lit(t: number): boolean {
    const times = this.displays.times;
    const first = times[0];
    if (first === undefined || t < first) return false;
    if (!this.displays.complete) return true;
    const last = this.colors.length - 1;
    return t < times[last]! + 1.5 * this.colors[last]!.ms + this.settings.maxDelayMs;
  }
}
