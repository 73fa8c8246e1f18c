/**
 * User Timing entries (`facelight:*`) at the moments that matter for speed,
 * so a page's own monitoring, DevTools and `npm run bench:web` all see the
 * same numbers. They carry no data about the user.
 */
export const mark = (name: 'start' | 'first-feedback' | 'capture-start' | 'done-sent' | 'result'): void => {
  performance.mark(`facelight:${name}`);
};

/** One on-device alignment step (landmarks and feedback), from `start` until now. */
export const measureAlignment = (start: number): void => {
  performance.measure('facelight:align', { start, end: performance.now() });
};
