/**
 * npm run bench:load — one verifier process (the built CLI, 2 analysis
 * threads) under N concurrent sessions, Express and Dynamic alternating, each
 * over the real stream with real frames at real-time pace: Express sends
 * noisy crops of a shared photo after uploading a trusted image, Dynamic the
 * simulator's rendering of a genuine face reflecting the session's colours.
 * Reports sessions per second, decision latency after `done`, errors, the
 * verifier's peak RSS and its event-loop lag, the latter two from the
 * verifier itself (/proc and its /metrics), to docs/benchmarks.md (section bench:load).
 *
 * Environment (all optional):
 *   LOAD_SESSIONS        sessions in flight (default 20)
 *   LOAD_SECONDS         new sessions start for this long (default 60); those running then finish
 *   LOAD_RENDER_WORKERS  threads rendering the Dynamic frames (default 2)
 *   LOAD_WRITE=0         do not write docs/benchmarks.md (smoke runs)
 */
import { createRng, hashSeed, sampleScene } from '@facelight/simulator';
import { PORTRAITS } from '../../simulator/bench/portraits.js';
import { RenderPool } from '../../simulator/bench/render-pool.js';
import { runSession, type Target } from '../../simulator/bench/session.js';
import { BENCH_API_KEY, startBenchVerifier } from './bench-verifier.js';
import { scrape, sampleValue, type Sample } from '../test/prometheus.js';
import { StreamClient, createSession, photoFrames, uploadTrusted } from '../test/stream-support.js';
import { machine, percentile, writeSection } from './report.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONCURRENCY = env('LOAD_SESSIONS', 20);
const SECONDS = env('LOAD_SECONDS', 60);
const RENDER_WORKERS = env('LOAD_RENDER_WORKERS', 2);
const WRITE = process.env.LOAD_WRITE !== '0';
const MODES = ['express', 'dynamic'] as const;
type Mode = (typeof MODES)[number];

interface Outcome {
  mode: Mode;
  status?: 'SUCCESS' | 'FAILURE';
  /** The session ended without a result: the stream error code, or what went wrong. */
  error?: string;
  endedAt: number;
}

const expressFrames = await photoFrames('obama.jpg');

async function expressSession(target: Target): Promise<Outcome> {
  const outcome = (o: Omit<Outcome, 'mode' | 'endedAt'>): Outcome => ({ mode: 'express', ...o, endedAt: performance.now() });
  const { sessionId, clientToken } = await createSession(target, { mode: 'express' });
  await uploadTrusted(target, sessionId, 'obama-1080p.jpg');
  const client = await StreamClient.open(target, sessionId);
  try {
    const challenge = await client.hello(clientToken);
    await client.sendFrames(expressFrames, challenge.capture.fps);
    client.send({ type: 'done' });
    const reply = await client.next(120_000);
    if (reply?.type === 'result') return outcome({ status: reply.status });
    return outcome({ error: reply?.type === 'error' ? reply.code : 'closed without a result' });
  } finally {
    client.close();
  }
}

async function dynamicSession(target: Target, renders: RenderPool, n: number): Promise<Outcome> {
  const seed = hashSeed('bench:load', n);
  const rng = createRng(seed);
  const portrait = rng.pick(PORTRAITS).file;
  const o = await runSession(target, { presentation: 'genuine', seed, portrait, scene: sampleScene('genuine', rng, seed) }, renders);
  return { mode: 'dynamic', ...(o.status ? { status: o.status } : {}), ...(o.error ? { error: o.error.replace(/:.*/s, '') } : {}), endedAt: performance.now() };
}

/** Prometheus-style quantile of a histogram's observations between two scrapes, interpolated within buckets. */
function histogramQuantile(before: Sample[], after: Sample[], name: string, labels: Record<string, string>, q: number): number {
  // Summed over every series these labels select (both modes for {}), bucket by bucket.
  const byLe = new Map<number, number>();
  for (const s of after) {
    if (s.name !== `${name}_bucket` || !Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value - (sampleValue(before, s.name, s.labels) ?? 0));
  }
  const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) return le === Infinity ? lower : lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    lower = le;
    below = count;
  }
  return lower;
}

const cli = await startBenchVerifier();
const target: Target = { url: cli.url, key: BENCH_API_KEY };
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cli.stop().finally(() => process.exit(130)));
}
const renders = new RenderPool(RENDER_WORKERS);
const outcomes: Outcome[] = [];
/** The monitor samples every 10 ms and reports whole intervals: an idle loop reads 10 ms. */
const MONITOR_INTERVAL_S = 0.01;
const lag: { p99: number; max: number }[] = [];
let before: Sample[] = [];
let after: Sample[] = [];
let started = 0;
let cpuSeconds = 0;
try {
  // One of each first: JIT, onnxruntime's first runs and the portraits' framing are not the load.
  await expressSession(target);
  await dynamicSession(target, renders, -1);
  before = await scrape(cli.url);
  // Reading the lag resets the verifier's monitor, so each scrape covers the second before it.
  const poller = setInterval(() => {
    scrape(cli.url).then(
      (s) => lag.push({ p99: sampleValue(s, 'nodejs_eventloop_lag_p99_seconds') ?? Number.NaN, max: sampleValue(s, 'nodejs_eventloop_lag_max_seconds') ?? Number.NaN }),
      (err: unknown) => console.error(`scrape failed: ${String(err)}`),
    );
  }, 1000);
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  const deadline = started + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let round = 0; performance.now() < deadline; round++) {
        const mode = MODES[(worker + round) % 2]!;
        const i = n++;
        const outcome = await (mode === 'express' ? expressSession(target) : dynamicSession(target, renders, i)).catch(
          (err: unknown): Outcome => ({ mode, error: err instanceof Error ? err.message : String(err), endedAt: performance.now() }),
        );
        outcomes.push(outcome);
        if (outcome.error) console.log(`${mode} session ${i}: ${outcome.error}`);
        if (outcomes.length % 20 === 0) console.log(`${outcomes.length} sessions, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }),
  );
  clearInterval(poller);
  const cpu = process.cpuUsage(cpuBefore);
  cpuSeconds = (cpu.user + cpu.system) / 1e6;
  after = await scrape(cli.url);
} finally {
  await renders.close();
}
const peakRssMb = cli.peakRssMb();
await cli.stop();

// ---------------------------------------------------------------- report
const elapsedS = (Math.max(...outcomes.map((o) => o.endedAt)) - started) / 1000;
const decided = outcomes.filter((o) => o.status);
const ms = (s: number) => (Number.isFinite(s) ? (s * 1000).toFixed(0) : 'n/a');
const beyondMonitor = (s: number) => Math.max(0, s - MONITOR_INTERVAL_S);
const lagP99 = lag.map((l) => beyondMonitor(l.p99)).filter(Number.isFinite);
const lagMax = Math.max(...lag.map((l) => beyondMonitor(l.max)).filter(Number.isFinite));
const errorCounts = (list: Outcome[]) => {
  const m = new Map<string, number>();
  for (const o of list) if (o.error) m.set(o.error, (m.get(o.error) ?? 0) + 1);
  return [...m].map(([e, k]) => `${e} ${k}`).join(', ') || '—';
};
const row = (label: string, list: Outcome[], labels: Record<string, string>) => {
  const ok = list.filter((o) => o.status);
  return `| ${label} | ${list.length} | ${ok.length} | ${ok.filter((o) => o.status === 'SUCCESS').length} | ${list.length - ok.length} | ${ms(histogramQuantile(before, after, 'facelight_decision_seconds', labels, 0.5))} | ${ms(histogramQuantile(before, after, 'facelight_decision_seconds', labels, 0.95))} | ${errorCounts(list)} |`;
};
const refused = after
  .filter((s) => s.name === 'facelight_rejected_inputs_total')
  .map((s) => ({ what: `${s.labels.source} ${s.labels.code}`, n: s.value - (sampleValue(before, s.name, s.labels) ?? 0) }))
  .filter((r) => r.n > 0)
  .map((r) => `${r.what} ${r.n}`)
  .join(', ');

const section = `
## Load: concurrent sessions on one verifier (\`npm run bench:load\`)

${machine()}; ${new Date().toISOString().slice(0, 10)}. Verifier: the built CLI, 2 analysis threads, default
configuration (per-address limits and lockout off: every simulated user is 127.0.0.1). ${CONCURRENCY} sessions in
flight for ${SECONDS} s (then the running ones finished), Express and Dynamic alternating, after one warm-up
session of each. Express: a trusted-image upload, then 15 frames of a shared photo at 15 fps. Dynamic: a genuine
simulated face (bench:pad's physical model) at 30 fps with its colours. The load generator ran on the same
machine and used ${(cpuSeconds / elapsedS).toFixed(2)} cores on average (Dynamic frames are rendered per session, as the colours are only
known at the challenge), so the verifier had the rest.

| sessions | run | with a result | SUCCESS | errors | decision p50 (ms) | decision p95 (ms) | errors by kind |
|---|---:|---:|---:|---:|---:|---:|---|
${row('Express', outcomes.filter((o) => o.mode === 'express'), { mode: 'express' })}
${row('Dynamic', outcomes.filter((o) => o.mode === 'dynamic'), { mode: 'dynamic' })}
${row('all', outcomes, {})}

- **Throughput**: ${(decided.length / elapsedS).toFixed(2)} decided sessions per second (${decided.length} in ${elapsedS.toFixed(0)} s).
- **Decision latency**: from the client's \`done\` to the stored decision, the verifier's own
  \`facelight_decision_seconds\` histogram (quantiles interpolated within its buckets).
- **Verifier memory**: peak RSS ${peakRssMb.toFixed(0)} MB (models and both analysis threads included).
- **Verifier event loop**: lag p99 per second ${ms(percentile(lagP99, 0.5))} ms median, ${ms(Math.max(...lagP99))} ms worst; max ${ms(lagMax)} ms
  (\`nodejs_eventloop_lag_*\` scraped every second, less the monitor's 10 ms sampling interval).
- **Codes sent by the verifier**: ${refused || 'none'}.
`;

console.log(section);
if (WRITE) writeSection('bench:load', section);
else console.log('(not written to docs/benchmarks.md: LOAD_WRITE=0)');
