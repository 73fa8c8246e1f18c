import type { AnalysisNeeds } from '../analysis/analyze-face.js';
import type { AnalysisPool } from '../analysis/pool.js';
import type { VerifierMetrics } from './registry.js';

/** The pool with every task timed into facelight_inference_seconds; the REST routes and the stream share it. */
export function timedPool(pool: AnalysisPool, metrics: Pick<VerifierMetrics, 'timeInference'>): AnalysisPool {
  return {
    threads: pool.threads,
    ready: pool.ready,
    analyze: (img, needs, known) => metrics.timeInference(taskOf(needs), () => pool.analyze(img, needs, known)),
    analyzeEncoded: (bytes, maxPixels, needs, known) => metrics.timeInference(taskOf(needs), () => pool.analyzeEncoded(bytes, maxPixels, needs, known)),
    scoreLiveness: (crop) => metrics.timeInference('liveness', () => pool.scoreLiveness(crop)),
    close: () => pool.close(),
  };
}

const taskOf = (needs?: AnalysisNeeds) => (needs?.embedding === false ? 'regions' : 'image');
