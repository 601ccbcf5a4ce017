// npm run bench: how fast and how lean, each figure a ratio against a baseline measured in the same run.
//
//   npm run bench                      every section, 5 runs each, medians
//   npm run bench -- --runs=3          fewer runs
//   npm run bench -- --profile         also CPU-profile the measured paths (extra runs, not in the figures)
//                                      into bench/profiles/ and print where the time goes
//   npm run bench -- --only=pump,heap  some sections (pump, threadpool, model, growth, digits, media, heap, nodered, sip)
//
// Prints a table and writes bench/results.json: { machine, figures: [{ name, value, unit, baseline,
// ratio, target, met }] }. Every section runs in its own Node process; the whole bench is bounded
// (each section has a time limit) and takes about two minutes on 2 cores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareControls, repoRoot } from './lib/native';
import { runSection } from './lib/section';
import { median } from './lib/stats';
import { printSummary } from './profile-summary';
import type { PumpResult } from './sections/pump';
import type { GrowthResult, ThroughputResult } from './sections/model';
import type { HeapResult } from './sections/heap';
import type { DigitsResult } from './sections/digits';
import type { MediaResult } from './sections/media';
import type { NodeRedRun } from './sections/nodered';
import type { ThreadPoolResult } from './sections/threadpool';
import type { SipBenchResult } from './sections/sip';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string | null;
  met: boolean | null;
}

interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  date: string;
}

const SECTIONS = ['pump', 'threadpool', 'model', 'growth', 'digits', 'media', 'heap', 'nodered', 'sip'] as const;
type SectionName = (typeof SECTIONS)[number];

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(prefix));
  if (!arg) return undefined;
  return arg.startsWith(prefix) ? arg.slice(prefix.length) : 'true';
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

function figure(name: string, value: number, unit: string, baseline: number, target: string | null, met: boolean | null): Figure {
  return { name, value, unit, baseline, ratio: value / baseline, target, met };
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'µs') return `${value.toFixed(1)} µs`;
  if (unit === 'x') return `${value.toFixed(2)}x`;
  if (unit === 'B') return `${Math.round(value).toLocaleString('en-US')} B`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    fmt(f.value, f.unit),
    fmt(f.baseline, f.unit),
    f.ratio.toFixed(3),
    f.target ?? '-',
    f.met === null ? '-' : f.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function main(): void {
  const started = Date.now();
  const runs = Number(option('runs') ?? 5);
  const only = option('only');
  const wanted = new Set<SectionName>(only ? (only.split(',') as SectionName[]) : SECTIONS);
  const profileDir = option('profile') ? path.join(repoRoot, 'bench', 'profiles') : undefined;
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  const env = profileDir ? { BENCH_PROFILE_DIR: profileDir } : {};
  const m = machine();
  console.log(`node-red-contrib-tapi bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; ${runs} runs per figure, medians`);

  const controls = prepareControls();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const failed: string[] = [];
  const step = <T>(name: SectionName, fn: () => T): T | undefined => {
    if (!wanted.has(name)) return undefined;
    const t0 = Date.now();
    console.error(`[${name}]`);
    try {
      const r = fn();
      console.error(`[${name}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    } catch (error) {
      failed.push(name);
      console.error(`[${name}] FAILED: ${(error as Error).message}`);
      return undefined;
    }
  };

  // ---- 1. message pump ----
  const pump = step('pump', () => runSection<PumpResult>('pump', { runs: String(runs), controls }, { timeoutMs: 150_000, env }));
  if (pump) {
    const { throughput: t, latency: l, diagnostics: d, params: p } = pump;
    const js = median(t.js);
    const c = median(t.c);
    figures.push(
      figure(
        'pump: LINE_CALLSTATE msg/s, win32 provider -> JS handler, vs C lineGetMessage reader (drain_bench)',
        js,
        'msg/s',
        c,
        'ratio >= 0.30',
        js / c >= 0.3,
      ),
    );
    const lat = (
      shape: 'idle' | 'load',
      label: string,
      key: 'p50' | 'p99' | 'max',
      target: string | null,
      met: (v: number) => boolean | null,
    ) => {
      const v = median(l[shape].js.map((r) => r[key]));
      const b = median(l[shape].c.map((r) => r[key]));
      figures.push(
        figure(`pump latency ${label} ${key}: fake post -> JS handler, vs C thread blocking in lineGetMessage`, v, 'µs', b, target, met(v)),
      );
    };
    const idle = `idle (${Math.round(1e6 / p.idleIntervalUs)} msg/s)`;
    const load = `load (${Math.round((1e6 / p.loadIntervalUs) * p.loadBurst).toLocaleString('en-US')} msg/s, bursts of ${p.loadBurst})`;
    lat('idle', idle, 'p50', null, () => null);
    lat('idle', idle, 'p99', 'value < 250 µs', (v) => v < 250);
    lat('idle', idle, 'max', null, () => null);
    lat('load', load, 'p50', null, () => null);
    lat('load', load, 'p99', null, () => null);
    lat('load', load, 'max', null, () => null);
    notes.push(
      `pump: per message, one koffi call of lineGetMessage costs ${d.ffiGetMessageNs.toFixed(0)} ns, koffi.decode of the LINEMESSAGE ${d.koffiDecodeNs.toFixed(0)} ns, ` +
        `reading the same fields through a typed-array view ${d.viewReadNs.toFixed(0)} ns (the C reader: ${(1e9 / c).toFixed(0)} ns per message in all)`,
      `pump idle latency split (p50 / p99): fake post -> lineGetMessage returns on the worker ${d.idleWakeP50Us.toFixed(1)} / ${d.idleWakeP99Us.toFixed(1)} µs, ` +
        `-> koffi callback runs on the JS thread ${d.idleDeliverP50Us.toFixed(1)} / ${d.idleDeliverP99Us.toFixed(1)} µs, koffi.decode ${d.idleDecodeP50Us.toFixed(1)} / ${d.idleDecodeP99Us.toFixed(1)} µs`,
      `pump: koffi .async floor (a call that returns at once, queued from an idle loop, until its callback runs) p50 ${d.asyncRoundtripP50Us.toFixed(1)} µs, p99 ${d.asyncRoundtripP99Us.toFixed(1)} µs`,
      `pump clocks: fake_now_ns - process.hrtime = ${d.clockSkewUs.toFixed(1)} µs`,
    );
  }

  // ---- 1b. the libuv thread pool with a line open ----
  const pool = step('threadpool', () => ({
    standard: runSection<ThreadPoolResult>('threadpool', { rounds: String(2 * runs) }, { timeoutMs: 60_000 }),
    one: runSection<ThreadPoolResult>('threadpool', { rounds: String(runs) }, { timeoutMs: 60_000, env: { UV_THREADPOOL_SIZE: '1' } }),
  }));
  if (pool) {
    const { standard: s, one } = pool;
    const ratio = median(s.ratios.event);
    figures.push(
      figure(
        `thread pool: 8 concurrent fs.readFile loops, reads/s with a line open (event-wait pump), vs no line open (pool of ${s.poolSize})`,
        ratio * median(s.rates.none),
        'reads/s',
        median(s.rates.none),
        'ratio >= 0.95',
        ratio >= 0.95,
      ),
    );
    figures.push(
      figure(
        `thread pool: the same with the old pump (lineGetMessage.async on a worker), vs no line open (pool of ${s.poolSize})`,
        median(s.ratios.async) * median(s.rates.none),
        'reads/s',
        median(s.rates.none),
        null,
        null,
      ),
    );
    figures.push(
      figure(
        'thread pool of 1 worker: fs.readFile loops with a line open (event-wait pump), vs no line open',
        median(one.ratios.event) * median(one.rates.none),
        'reads/s',
        median(one.rates.none),
        null,
        null,
      ),
    );
    figures.push(
      figure(
        'thread pool of 1 worker: the same with the old pump (lineGetMessage.async), vs no line open',
        median(one.ratios.async) * median(one.rates.none),
        'reads/s',
        median(one.rates.none),
        null,
        null,
      ),
    );
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    notes.push(
      `thread pool: per-round ratios, pool of ${s.poolSize}: event ${range(s.ratios.event)}, async ${range(s.ratios.async)}; pool of 1: event ${range(one.ratios.event)}, async ${range(one.ratios.async)}`,
    );
    notes.push(
      `thread pool: figures are medians of per-round ratios (phases of ${s.phaseMs} ms alternating none / event / async in one process, ${s.fileBytes} B page-cached file); ` +
        'with fewer cores than workers the standard pool measures the CPU more than the pool, the 1-worker pool shows whether the pump holds a worker',
    );
  }

  // ---- 2. the model ----
  step('model', () => {
    const sim = runSection<ThroughputResult>(
      'model',
      { kind: 'simulator', runs: String(runs), calls: '20000', concurrency: '4' },
      { timeoutMs: 120_000, env },
    );
    figures.push(
      figure(
        'model: complete calls/s through lib/tapi, simulator timeScale 0 (4 in flight), vs raw loop at the provider seam',
        median(sim.lib),
        'calls/s',
        median(sim.raw),
        'value >= 2,000 calls/s',
        median(sim.lib) >= 2000,
      ),
    );
    const w32 = runSection<ThroughputResult>(
      'model',
      { kind: 'win32', runs: String(runs), calls: '5000', concurrency: '4' },
      { timeoutMs: 120_000, env },
    );
    figures.push(
      figure(
        'model: complete calls/s through lib/tapi, win32 provider over the fake Tapi32 (4 in flight), vs raw seam loop',
        median(w32.lib),
        'calls/s',
        median(w32.raw),
        null,
        null,
      ),
    );
  });

  const growth = step('growth', () =>
    runSection<GrowthResult>(
      'model',
      { growth: '1', runs: String(runs), sizes: '100,1000,10000', devices: '1', total: '10000' },
      { timeoutMs: 150_000, env },
    ),
  );
  if (growth) {
    const lo = String(Math.min(...growth.sizes));
    const hi = String(Math.max(...growth.sizes));
    for (const size of growth.sizes) {
      figures.push(
        figure(
          `model: time per call, ${size.toLocaleString('en-US')} calls up at once, lib/tapi on the simulator, vs raw seam loop`,
          median(growth.lib[size]),
          'µs',
          median(growth.raw[size]),
          null,
          null,
        ),
      );
    }
    const libGrowth = median(growth.lib[hi]) / median(growth.lib[lo]);
    const rawGrowth = median(growth.raw[hi]) / median(growth.raw[lo]);
    figures.push(
      figure(
        `model: growth of time per call, ${Number(lo).toLocaleString('en-US')} -> ${Number(hi).toLocaleString('en-US')} calls up at once, lib/tapi, vs raw seam growth`,
        libGrowth,
        'x',
        rawGrowth,
        'value <= 1.5x',
        libGrowth <= 1.5,
      ),
    );
    const overheadLo = median(growth.lib[lo]) - median(growth.raw[lo]);
    const overheadHi = median(growth.lib[hi]) - median(growth.raw[hi]);
    notes.push(
      `growth: lib/tapi's own share of a call (lib - raw) ${overheadLo.toFixed(1)} µs at ${lo} up, ${overheadHi.toFixed(1)} µs at ${hi} up (one simulated line with 10,000 call appearances for every size)`,
    );
  }

  // ---- 2c. digits: far-end digit -> 'digit' event, vs far-end hang-up -> 'state' event, same run ----
  step('digits', () => {
    const kinds: Array<'simulator' | 'win32'> = ['simulator', 'win32'];
    for (const kind of kinds) {
      let d: DigitsResult;
      try {
        d = runSection<DigitsResult>(
          'digits',
          { kind, runs: String(runs), calls: kind === 'simulator' ? '300' : '100' },
          { timeoutMs: 90_000, env },
        );
      } catch (error) {
        if (kind === 'simulator') throw error;
        notes.push(`digits on win32: not measured (${(error as Error).message}); needs the fake Tapi32's issue-12 controls`);
        continue;
      }
      const where = kind === 'simulator' ? 'simulator timeScale 0' : 'win32 over the fake Tapi32';
      for (const key of ['p50', 'p99'] as const) {
        const v = median(d.runs.map((r) => r.digit[key]));
        const b = median(d.runs.map((r) => r.state[key]));
        figures.push(
          figure(
            `digits latency ${key}: far-end digit -> 'digit' event, ${where}, vs far-end hang-up -> 'state' event (same run)`,
            v,
            'µs',
            b,
            key === 'p99' ? 'value < 1,000 µs' : null,
            key === 'p99' ? v < 1000 : null,
          ),
        );
      }
    }
  });

  // ---- 2d. media: play() -> first frame at the device, a 10 s prompt's timing error, underruns under load ----
  step('media', () => {
    const m = runSection<MediaResult>('media', {}, { timeoutMs: 120_000, env });
    const { simulator: sim, win32: w, win32Load: load } = m;
    figures.push(
      figure(
        'media: call.play() -> first frame at the device, simulator timeScale 1, vs one 20 ms frame',
        sim.firstFrameMs,
        'ms',
        m.frameMs,
        'ratio < 0.5',
        sim.firstFrameMs / m.frameMs < 0.5,
      ),
    );
    figures.push(
      figure(
        'media: call.play() -> first frame at the device, win32 over the fake winmm, vs one 20 ms frame',
        w.firstFrameMs,
        'ms',
        m.frameMs,
        'ratio < 0.5',
        w.firstFrameMs / m.frameMs < 0.5,
      ),
    );
    figures.push(
      figure(
        'media: wall time of a 10 s prompt, simulator timeScale 1, vs its nominal 10 s',
        sim.promptWallMs,
        'ms',
        m.promptNominalMs,
        'ratio within 1 ± 0.02',
        Math.abs(sim.promptWallMs / m.promptNominalMs - 1) <= 0.02,
      ),
    );
    figures.push(
      figure(
        'media: a 10 s prompt as the fake winmm played it (first frame start -> last frame end), win32, vs its nominal 10 s',
        w.playedSpanMs,
        'ms',
        m.promptNominalMs,
        'ratio within 1 ± 0.01',
        Math.abs(w.playedSpanMs / m.promptNominalMs - 1) <= 0.01,
      ),
    );
    figures.push(
      figure(
        'media: wall time of call.play() of a 10 s prompt, win32 over the fake winmm, vs the same on the simulator',
        w.promptWallMs,
        'ms',
        sim.promptWallMs,
        'ratio within 1 ± 0.02',
        Math.abs(w.promptWallMs / sim.promptWallMs - 1) <= 0.02,
      ),
    );
    figures.push(
      figure(
        `media: the 10 s prompt on win32 with ${load.busyWorkers} busy-loop workers, as played, vs the same unloaded`,
        load.playedSpanMs,
        'ms',
        w.playedSpanMs,
        'ratio within 1 ± 0.01',
        Math.abs(load.playedSpanMs / w.playedSpanMs - 1) <= 0.01,
      ),
    );
    notes.push(
      `media: underruns (a buffer written after the previous one had ended) on win32: ${w.underruns} unloaded (${w.gapMs.toFixed(1)} ms of gaps), ` +
        `${load.underruns} with ${load.busyWorkers} busy workers (${load.gapMs.toFixed(1)} ms); target 0`,
      `media: first frame after play() — win32 ${w.firstFrameMs.toFixed(3)} ms (the fake's playback clock) vs simulator ${sim.firstFrameMs.toFixed(3)} ms (AudioOut.write): ` +
        `ratio ${(w.firstFrameMs / sim.firstFrameMs).toFixed(2)}`,
    );
  });

  const heap = step('heap', () => {
    const lib: HeapResult[] = [];
    const raw: HeapResult[] = [];
    for (let r = 0; r < runs; r++) {
      lib.push(
        runSection<HeapResult>('heap', { mode: 'lib', calls: '10000', devices: '1' }, { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 }),
      );
      raw.push(
        runSection<HeapResult>('heap', { mode: 'raw', calls: '10000', devices: '1' }, { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 }),
      );
    }
    return { lib, raw };
  });
  if (heap) {
    const l = median(heap.lib.map((h) => h.bytesPerCall));
    const r = median(heap.raw.map((h) => h.bytesPerCall));
    figures.push(
      figure(
        'model: heap per concurrent call, 10,000 calls up at once, lib/tapi on the simulator, vs provider + raw seam record',
        l,
        'B',
        r,
        'value < 4,096 B',
        l < 4096,
      ),
    );
    notes.push(`heap: lib/tapi's own share per call ${(l - r).toFixed(0)} B (the simulator and a minimal app record: ${r.toFixed(0)} B)`);
  }

  // ---- 3. Node-RED ----
  const nr = step('nodered', () =>
    runSection<{ runs: NodeRedRun[] }>('nodered', { runs: String(runs), calls: '4000' }, { timeoutMs: 120_000, env }),
  );
  if (nr) {
    const rs = nr.runs;
    const tapiRate = median(rs.map((r) => r.tapiRate));
    const baseRate = median(rs.map((r) => r.baselineRate));
    figures.push(
      figure(
        'Node-RED: call-state msg/s delivered to a downstream node, vs a baseline node sending as many to it',
        tapiRate,
        'msg/s',
        baseRate,
        'ratio >= 0.50',
        tapiRate / baseRate >= 0.5,
      ),
    );
    for (const key of ['p50', 'p99'] as const) {
      figures.push(
        figure(
          `Node-RED latency ${key}: provider message -> downstream input, vs baseline node send -> input (same batches)`,
          median(rs.map((r) => r.tapiLatency[key])),
          'µs',
          median(rs.map((r) => r.baselineLatency[key])),
          null,
          null,
        ),
      );
    }
    const alone = median(rs.map((r) => r.modelOnlyRate));
    notes.push(
      `node-red: the same calls on lib/tapi alone (no Node-RED) make ${Math.round(alone).toLocaleString('en-US')} call states/s; ` +
        `per message: model + simulator ${(1e6 / alone).toFixed(1)} µs, call-state path in all ${(1e6 / tapiRate).toFixed(1)} µs, baseline node ${(1e6 / baseRate).toFixed(1)} µs ` +
        `(${Math.round(median(rs.map((r) => r.messages)))} messages per run, ${median(rs.map((r) => r.meanBatch)).toFixed(2)} per provider batch); ` +
        `the baseline node sending in the provider's batches, one batch per event-loop turn: ${Math.round(median(rs.map((r) => r.baselineReplayRate))).toLocaleString('en-US')} msg/s`,
    );
  }

  // ---- 4. SIP over loopback against SIPp, beside the simulator in the same process and run ----
  step('sip', () => {
    const r = runSection<SipBenchResult>(
      'sip',
      { runs: String(Math.min(runs, 3)), calls: '200', held: '50' },
      { nodeArgs: ['--expose-gc'], timeoutMs: 180_000, env },
    );
    figures.push(
      figure(
        `sip: complete calls/s through lib/tapi against SIPp answering (UDP loopback, ${r.concurrency} in flight), vs the simulator timeScale 0`,
        median(r.sipCallsPerS),
        'calls/s',
        median(r.simCallsPerS),
        null,
        null,
      ),
    );
    for (const key of ['p50', 'p99'] as const) {
      figures.push(
        figure(
          `sip digits latency ${key}: RFC 4733 packet from a far end on loopback -> 'digit' event, vs simulator far-end digit -> 'digit' event`,
          r.sipDigitUs[key],
          'µs',
          r.simDigitUs[key],
          null,
          null,
        ),
      );
    }
    figures.push(
      figure(
        `sip: heap per connected call, ${r.held} calls to SIPp at once, vs the simulator's per call`,
        r.sipBytesPerCall,
        'B',
        r.simBytesPerCall,
        null,
        null,
      ),
    );
  });

  // ---- output ----
  console.log('');
  console.log(table(figures));
  if (notes.length) {
    console.log('');
    for (const n of notes) console.log(`* ${n}`);
  }
  const results = { machine: m, figures };
  const out = path.join(repoRoot, 'bench', 'results.json');
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  if (profileDir && fs.existsSync(profileDir)) {
    console.log('');
    for (const f of fs
      .readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()) {
      printSummary(path.join(profileDir, f), 15);
      console.log('');
    }
  }
  const wall = (Date.now() - started) / 1000;
  console.log(`\nwrote ${path.relative(process.cwd(), out)}; bench wall time ${wall.toFixed(1)} s`);
  if (failed.length) {
    console.error(`sections that failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
