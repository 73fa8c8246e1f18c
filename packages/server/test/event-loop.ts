/** Runs `fn` while a 1 ms ticker records the longest time the event loop went without turning. */
export async function longestStall<T>(fn: () => Promise<T>): Promise<{ result: T; maxGapMs: number; elapsedMs: number }> {
  let maxGapMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  try {
    const result = await fn();
    return { result, maxGapMs: Math.max(maxGapMs, performance.now() - last), elapsedMs: performance.now() - start };
  } finally {
    clearInterval(ticker);
  }
}
