/**
 * @facelight/simulator: a test camera for Dynamic liveness. A physical model
 * renders camera frames of a real portrait lit by the screen's colours (and
 * the presentation attacks against it); the session planner lays out a
 * Dynamic challenge's timeline as the browser lives it. Pure TypeScript: it
 * runs in Node (bench:pad) and in the browser (the e2e reactive camera).
 */
export * from './color.js';
export * from './geometry.js';
export * from './measure.js';
export * from './physics.js';
export * from './prng.js';
export * from './scenarios.js';
export * from './session.js';
