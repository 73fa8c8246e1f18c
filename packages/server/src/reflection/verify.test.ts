import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawColorSequence } from '../challenge/colors.js';
import { DEFAULT_DYNAMIC_CHALLENGE } from '../config.js';
import { DEFAULT_REFLECTION_LIMITS, decideReflection, type ReflectionMetrics } from './decide.js';
import { GENUINE_STRONG, GENUINE_WEAK, seeded, simulateRegions, type Attack, type Scenario } from './test-support.js';
import { verifyReflection } from './verify.js';

const colorsFor = (seed: number) => {
  const rand = seeded(seed * 131);
  return drawColorSequence(DEFAULT_DYNAMIC_CHALLENGE, (min, max) => min + Math.floor(rand() * (max - min)));
};

function run(scenario: Scenario) {
  const colors = colorsFor(scenario.seed);
  const { frames, displayTimes } = simulateRegions(scenario, colors);
  return verifyReflection({ frames, colors, displayTimes }, DEFAULT_REFLECTION_LIMITS);
}

const SEEDS = [11, 12, 13, 14, 15, 16];

describe('reflection on the region-level physical model', () => {
  for (const [name, base] of [['weak (7 levels)', GENUINE_WEAK], ['strong (50 levels)', GENUINE_STRONG]] as const) {
    test(`a genuine face, ${name}: passes, the delay within 20 ms of the simulated one`, () => {
      for (const seed of SEEDS) {
        const outcome = run({ ...base, seed });
        assert.deepEqual(outcome.reasons, [], `seed ${seed}: ${JSON.stringify(outcome.metrics)}`);
        assert.ok(outcome.score >= 0.5 && outcome.score <= 1);
        assert.ok(Math.abs(outcome.summary!.delayMs - base.delayMs) <= 20, `delay ${outcome.summary!.delayMs}`);
        assert.ok(outcome.metrics!.effectLevels > 3);
      }
    });
  }

  const expected: [Attack, string][] = [
    ['replay', 'REFLECTION_ABSENT'],
    ['photo', 'REFLECTION_ABSENT'],
    ['shuffled', 'REFLECTION_MISMATCH'],
    ['flicker', 'REFLECTION_MISMATCH'],
    ['late', 'IMPLAUSIBLE_DELAY'],
    ['tint', 'FLAT_SURFACE'],
    ['flat', 'FLAT_SURFACE'],
  ];
  for (const [attack, reason] of expected) {
    test(`${attack}: fails with ${reason}, at weak and strong response`, () => {
      for (const seed of SEEDS) {
        for (const gainLevels of [7, 50]) {
          const outcome = run({ attack, gainLevels, delayMs: 100, seed });
          assert.ok(outcome.reasons.includes(reason as never), `seed ${seed}, ${gainLevels} levels: ${outcome.reasons} ${JSON.stringify(outcome.metrics)}`);
          assert.ok(outcome.score < 0.5);
        }
      }
    });
  }

  test('a genuine face too weak to decide (3 levels under heavy noise) is retryable, not absent', () => {
    const colors = colorsFor(3);
    const { frames, displayTimes } = simulateRegions({ gainLevels: 3, delayMs: 100, seed: 3 }, colors, { noiseLevels: 6 });
    assert.deepEqual(verifyReflection({ frames, colors, displayTimes }, DEFAULT_REFLECTION_LIMITS).reasons, ['REFLECTION_TOO_WEAK']);
  });

  test('the summary: per-colour responses and a timeline of at most 150 points', () => {
    const outcome = run({ ...GENUINE_STRONG, seed: 5 });
    const { responses, timeline } = outcome.summary!;
    assert.equal(responses.length, 10);
    // Under white the face brightens in every channel; under black it stays at its baseline.
    for (const r of responses) {
      if (r.rgb.join() === '255,255,255') assert.ok(r.face.every((v) => v > 15));
      if (r.rgb.join() === '0,0,0') assert.ok(r.face.every((v) => Math.abs(v) < 3));
    }
    assert.ok(timeline.t.length <= 150 && timeline.t.length === timeline.emitted.length && timeline.t.length === timeline.face.length);
    assert.ok(timeline.t[0]! < 0, 'the plot starts in the warm-up, before the first colour');
  });

  test('too few colours with frames: too weak to decide', () => {
    const colors = colorsFor(2);
    const { frames, displayTimes } = simulateRegions({ ...GENUINE_STRONG, seed: 2 }, colors);
    const outcome = verifyReflection({ frames: frames.slice(0, 30), colors, displayTimes }, DEFAULT_REFLECTION_LIMITS);
    assert.deepEqual(outcome.reasons, ['REFLECTION_TOO_WEAK']);
    assert.equal(outcome.summary, null);
  });
});

describe('the reflection decision', () => {
  const good: ReflectionMetrics = {
    delayMs: 100,
    effectLevels: 6,
    effectSe: 0.2,
    variationLevels: 3,
    residualLevels: 0.2,
    noiseLevels: 0.1,
    directionAgreement: 1,
    chromaAgreement: 1,
    backgroundRatio: 0.1,
    cheekRatio: 0.7,
    outside: null,
  };
  const limits = DEFAULT_REFLECTION_LIMITS;
  const reasons = (m: Partial<ReflectionMetrics>) => decideReflection({ ...good, ...m }, limits).reasons;

  test('thresholds are inclusive, and the score is 0.5 at each of them', () => {
    assert.deepEqual(reasons({}), []);
    const atEdge = decideReflection({ ...good, effectLevels: limits.minEffectLevels, effectSe: limits.minEffectLevels / limits.minSnr, directionAgreement: limits.minDirectionAgreement, cheekRatio: limits.maxCheekRatio, residualLevels: limits.maxUnexplained * 3 }, limits);
    assert.deepEqual(atEdge.reasons, []);
    assert.ok(Math.abs(atEdge.score - 0.5) < 1e-9);
  });

  test('no response: absent when confidently ~0, too weak when the noise hides it, mismatch when the face changed with the steps but wrongly', () => {
    assert.deepEqual(reasons({ effectLevels: 0.2, effectSe: 0.3, variationLevels: 0.3, residualLevels: 0.3 }), ['REFLECTION_ABSENT']);
    assert.deepEqual(reasons({ effectLevels: 2, effectSe: 1, variationLevels: 1, residualLevels: 0.9, noiseLevels: 0.5 }), ['REFLECTION_TOO_WEAK']);
    assert.deepEqual(reasons({ effectLevels: 4, effectSe: 1, variationLevels: 1, residualLevels: 0.9, noiseLevels: 0.5 }), ['REFLECTION_TOO_WEAK']);
    assert.deepEqual(reasons({ effectLevels: 0.5, effectSe: 2, variationLevels: 10, residualLevels: 9, noiseLevels: 0.2 }), ['REFLECTION_MISMATCH']);
    // A face that darkens as the screen brightens is not a reflection either.
    assert.deepEqual(reasons({ effectLevels: -10, effectSe: 0.5, variationLevels: 5, residualLevels: 0.5 }), ['REFLECTION_MISMATCH']);
  });

  test('a real response outside the window, clearly better than inside: implausible delay; a chance one is ignored', () => {
    const late = { delayMs: 600, ratio: 3, effectLevels: 8, effectSe: 0.3 };
    assert.deepEqual(reasons({ effectLevels: 0.5, outside: late }), ['IMPLAUSIBLE_DELAY']);
    assert.deepEqual(reasons({ outside: { ...late, ratio: 1.2 } }), []);
    assert.deepEqual(reasons({ outside: { ...late, effectLevels: 0.5 } }), []);
  });

  test('a response that is there but wrong: mismatch for direction or colour, flat surface for the spatial checks', () => {
    assert.deepEqual(reasons({ directionAgreement: 0.6 }), ['REFLECTION_MISMATCH']);
    assert.deepEqual(reasons({ chromaAgreement: 0.1 }), ['REFLECTION_MISMATCH']);
    // Strong and in the window, but most of the face's change is not the screen's (a shuffled relay).
    assert.deepEqual(reasons({ effectLevels: 35, effectSe: 4, variationLevels: 24, residualLevels: 23, noiseLevels: 0.1 }), ['REFLECTION_MISMATCH']);
    // A residual within the noise decides nothing, however small the variation.
    assert.deepEqual(reasons({ variationLevels: 0.4, residualLevels: 0.25, noiseLevels: 0.1 }), []);
    assert.deepEqual(reasons({ backgroundRatio: 0.9 }), ['FLAT_SURFACE']);
    assert.deepEqual(reasons({ cheekRatio: 1 }), ['FLAT_SURFACE']);
    assert.deepEqual(reasons({ chromaAgreement: 0, cheekRatio: 1 }), ['REFLECTION_MISMATCH', 'FLAT_SURFACE']);
    // Checks without enough evidence do not decide.
    assert.deepEqual(reasons({ directionAgreement: null, chromaAgreement: null, backgroundRatio: null }), []);
  });
});
