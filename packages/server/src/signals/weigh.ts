import type { ResultReasonCode } from '@facelight/protocol';
import type { Config } from '../config.js';
import type { DeviceFinding } from './device.js';
import type { TimingFinding } from './frame-timing.js';

export type SignalWeights = Config['security']['signals'];
export type Finding = DeviceFinding | TimingFinding;

export interface SignalVerdict {
  /** True when the weights of the findings add up to 1 or more. */
  failed: boolean;
  /** The reasons of the weighted findings, each once, in the order found. */
  reasons: ResultReasonCode[];
  /** Sum of the weights, for the audit log. */
  weight: number;
}

/** Each signal counts with its configured weight; together they fail a session at 1. */
export function weighSignals(findings: readonly Finding[], weights: SignalWeights): SignalVerdict {
  const counted = findings.filter((f) => weights[f.signal] > 0);
  // One signal counts once, however many findings report it.
  const weight = [...new Set(counted.map((f) => f.signal))].reduce((a, s) => a + weights[s], 0);
  return { failed: weight >= 1, reasons: [...new Set(counted.map((f) => f.reason))], weight };
}
