import type { Mode, StreamErrorCode } from '@facelight/protocol';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the browser stream reports; the stream endpoint and each connection get this through their deps. */
export interface StreamMetrics {
  streamOpened(): void;
  streamClosed(): void;
  /**
   * A session's result was stored: a decision (with the seconds from the
   * client's `done` to it) or a failure because its stream ended early (no latency).
   */
  sessionEnded(mode: Mode, status: 'SUCCESS' | 'FAILURE', reasons: readonly string[], decisionSeconds?: number): void;
  /** A `{ type: "error" }` message was sent to the client. */
  streamRefused(code: StreamErrorCode): void;
}

export interface VerifierMetrics extends StreamMetrics {
  /** This verifier's own registry, so that several verifiers in one process keep apart. */
  readonly registry: Registry;
  /** An API error response `{ error: { code } }` was sent. */
  apiRefused(code: string): void;
  /** Times one analysis-pool task, queueing included: what a frame or a request waits for it. */
  timeInference<T>(task: InferenceTask, run: () => Promise<T>): Promise<T>;
}

/** `image`: a full analysis (embedding included); `regions`: a Dynamic frame's light analysis; `liveness`: an anti-spoof score. */
export type InferenceTask = 'image' | 'regions' | 'liveness';

export interface MetricsOptions {
  /** Node's process metrics (memory, CPU, event-loop lag, GC), which cost a little to keep; only worth it when served. */
  processMetrics: boolean;
}

export function createMetrics({ processMetrics }: MetricsOptions): VerifierMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });

  const sessions = new Counter({
    name: 'facelight_sessions_total',
    help: 'Sessions with a stored result, by mode, outcome (SUCCESS or FAILURE) and first reason code.',
    labelNames: ['mode', 'outcome', 'reason'] as const,
    registers,
  });
  const decision = new Histogram({
    name: 'facelight_decision_seconds',
    help: "Time from the client's done message to the stored decision.",
    labelNames: ['mode'] as const,
    // Express decides in well under a second when the pool keeps up; a backlog shows as the long tail.
    buckets: [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20],
    registers,
  });
  const inference = new Histogram({
    name: 'facelight_inference_seconds',
    help: 'Analysis-pool tasks from submission to result (queueing and a stream frame\'s JPEG decode included), by task: image, regions, liveness.',
    labelNames: ['task'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const rejected = new Counter({
    name: 'facelight_rejected_inputs_total',
    help: 'Error codes sent: REST API errors (source "api") and stream errors (source "stream").',
    labelNames: ['source', 'code'] as const,
    registers,
  });
  const pendingTasks = new Gauge({
    name: 'facelight_analysis_pending_tasks',
    help: 'Analysis-pool tasks submitted and not finished: running, or queued once there are more than analysis threads.',
    registers,
  });
  const activeStreams = new Gauge({
    name: 'facelight_active_streams',
    help: 'Browser streams (WebSockets) open now.',
    registers,
  });

  return {
    registry,
    streamOpened: () => activeStreams.inc(),
    streamClosed: () => activeStreams.dec(),
    sessionEnded(mode, status, reasons, decisionSeconds) {
      sessions.inc({ mode, outcome: status, reason: reasons[0] ?? 'NONE' });
      if (decisionSeconds !== undefined) decision.observe({ mode }, decisionSeconds);
    },
    streamRefused: (code) => rejected.inc({ source: 'stream', code }),
    apiRefused: (code) => rejected.inc({ source: 'api', code }),
    async timeInference(task, run) {
      const end = inference.startTimer({ task });
      pendingTasks.inc();
      try {
        return await run();
      } finally {
        pendingTasks.dec();
        end();
      }
    },
  };
}
