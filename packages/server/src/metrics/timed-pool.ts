import type { AnalysisPool } from '../analysis/pool.js';
import type { VerifierMetrics } from './registry.js';

/** The pool with every task timed into facelight_inference_seconds; the REST routes and the stream share it. */
export function timedPool(pool: AnalysisPool, metrics: Pick<VerifierMetrics, 'timeInference'>): AnalysisPool {
  return {
    threads: pool.threads,
    ready: pool.ready,
    analyze: (img, needs, known) => metrics.timeInference(needs?.embedding === false ? 'regions' : 'image', () => pool.analyze(img, needs, known)),
    scoreLiveness: (crop) => metrics.timeInference('liveness', () => pool.scoreLiveness(crop)),
    close: () => pool.close(),
  };
}
