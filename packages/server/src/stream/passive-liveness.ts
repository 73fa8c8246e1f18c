import { CropAverage } from '../analysis/crop-average.js';
import type { AnalysisPool } from '../analysis/pool.js';
import type { RgbImage } from '../analysis/raster.js';

/**
 * Face frames averaged into one anti-spoof input. Measured on the simulator's
 * raw sensor noise (gain 8 in a dim room), single frames of some genuine
 * faces score 0.01–0.4 while 8-frame averages score 0.85–1.0, and averages of
 * clean frames stay at 0.99–1.0: the model reads grain as a print or screen
 * texture. A camera's own temporal noise reduction averages a similar
 * number of frames. At 15 fps (Express) 8 frames span half a second; in
 * Dynamic (the frames outside the colours, at 30 fps) about a quarter.
 */
export const PASSIVE_WINDOW_FRAMES = 8;

/**
 * The session's passive anti-spoof score: the face frames' anti-spoof crops
 * are averaged in consecutive windows, each window scored as it fills, and
 * the session scored by the median window. A last partial window counts when
 * it is at least half full, or when it is all there is.
 */
export class PassiveLiveness {
  private window = new CropAverage();
  private readonly scores: Promise<number>[] = [];

  constructor(
    private readonly pool: Pick<AnalysisPool, 'scoreLiveness'>,
    private readonly windowFrames = PASSIVE_WINDOW_FRAMES,
  ) {}

  add(crop: RgbImage): void {
    this.window.add(crop);
    if (this.window.count >= this.windowFrames) this.flush();
  }

  /** The median window score; undefined without any face frame. Call once, after the last `add`. */
  async score(): Promise<number | undefined> {
    if (this.window.count > 0 && (this.scores.length === 0 || this.window.count * 2 >= this.windowFrames)) this.flush();
    const scores = (await Promise.all(this.scores)).sort((a, b) => a - b);
    if (scores.length === 0) return undefined;
    const mid = scores.length >> 1;
    return scores.length % 2 === 1 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2;
  }

  private flush(): void {
    const mean = this.window.mean()!;
    this.window = new CropAverage();
    const scored = this.pool.scoreLiveness(mean);
    // Awaited in score(); until then a failure must not surface as an unhandled rejection.
    scored.catch(() => undefined);
    this.scores.push(scored);
  }
}
