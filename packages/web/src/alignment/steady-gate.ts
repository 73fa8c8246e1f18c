import type { FeedbackCode } from '@facelight/protocol';

/** How long ALIGNED must hold, unbroken, before capture starts. */
export const STEADY_MS = 500;

/** When the current unbroken run of ALIGNED began; undefined when not aligned. */
export type SteadyGate = { alignedSince: number | undefined };

export const openGate = (): SteadyGate => ({ alignedSince: undefined });

export function updateGate(gate: SteadyGate, code: FeedbackCode, t: number): SteadyGate {
  if (code !== 'ALIGNED') return { alignedSince: undefined };
  return { alignedSince: gate.alignedSince ?? t };
}

export function isSteady(gate: SteadyGate, t: number, holdMs = STEADY_MS): boolean {
  return gate.alignedSince !== undefined && t - gate.alignedSince >= holdMs;
}
