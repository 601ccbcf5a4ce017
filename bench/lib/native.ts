// The native side of the bench: the fake Tapi32, its drain_bench reader, and the bench-only controls of
// test/fake-tapi32/bench_controls.c (time-stamped paced posts, the native latency reader).
//
// When libtapi32.so was built with bench_controls.c (it exports fake_now_ns), those exports are used.
// Otherwise the bench builds bench_controls.c into test/fake-tapi32/build/libbench_controls.so, linked
// against libtapi32.so: loaded after it, the dynamic linker resolves its DT_NEEDED libtapi32.so to the
// copy already in the process (same SONAME), so both see one fake.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fakeLibraryPath } from '../../test/helpers/fake-tapi32';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fakeDir = path.join(repoRoot, 'test', 'fake-tapi32');
export const drainBenchPath = path.join(fakeDir, 'drain_bench');
const controlsSource = path.join(fakeDir, 'bench_controls.c');
const controlsLibrary = path.join(fakeDir, 'build', 'libbench_controls.so');

export { fakeLibraryPath };

function koffi(): typeof import('koffi') {
  return require('koffi') as typeof import('koffi');
}

/**
 * Makes sure the bench controls can be loaded; returns the library that exports them. Builds the
 * separate library with gcc when libtapi32.so lacks them (only when out of date).
 */
export function prepareControls(): string {
  if (!fs.existsSync(fakeLibraryPath)) throw new Error(`${fakeLibraryPath} is missing: run npm run build:fake-tapi32`);
  // Probe in a child: koffi keeps a loaded library for the life of the process.
  const probe = spawnSync(process.execPath, [
    '-e',
    `
    const k = require(${JSON.stringify(require.resolve('koffi'))});
    try { k.load(${JSON.stringify(fakeLibraryPath)}).func('uint64_t fake_now_ns(void)'); process.exit(0); } catch { process.exit(3); }
  `,
  ]);
  if (probe.status === 0) return fakeLibraryPath;
  const inputs = [controlsSource, path.join(fakeDir, 'tapi_abi.h'), path.join(fakeDir, 'fake_control.h'), fakeLibraryPath];
  const upToDate = fs.existsSync(controlsLibrary) && inputs.every((f) => fs.statSync(f).mtimeMs <= fs.statSync(controlsLibrary).mtimeMs);
  if (!upToDate) {
    fs.mkdirSync(path.dirname(controlsLibrary), { recursive: true });
    const gcc = process.env.CC || 'gcc';
    const args = [
      '-std=c11',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-O2',
      '-g',
      '-pthread',
      '-fPIC',
      '-shared',
      '-fvisibility=hidden',
      '-I',
      fakeDir,
      '-Wl,--no-undefined',
      '-o',
      controlsLibrary,
      controlsSource,
      '-L',
      fakeDir,
      '-ltapi32',
      `-Wl,-rpath,${fakeDir}`,
    ];
    const r = spawnSync(gcc, args, { stdio: 'inherit' });
    if (r.error || r.status !== 0) throw new Error(`building ${path.relative(repoRoot, controlsLibrary)} failed`);
  }
  return controlsLibrary;
}

export interface BenchControls {
  /** CLOCK_MONOTONIC, ns. */
  nowNs(): bigint;
  /** Start the native poster: `count` LINE_CALLSTATE messages, `burst` every `intervalUs`. */
  postStampedStart(hLineApp: number, count: number, intervalUs: number, burst: number): void;
  /** Wait for the poster; its post stamps (ns). */
  postStampedJoin(count: number): BigUint64Array;
  /** Native reader baseline: latencies in ns. */
  nativeLatency(count: number, intervalUs: number, burst: number): BigUint64Array;
  /** lineGetMessage that stamps its return (ns) into `returnedAt` (koffi.alloc'ed, 8 bytes); has .async. */
  getMessageStamped: {
    (hLineApp: number, msg: bigint, timeout: number, returnedAt: bigint): number;
    async(hLineApp: number, msg: bigint, timeout: number, returnedAt: bigint, cb: (err: unknown, rc: number) => void): void;
  };
}

/** Loads the controls (after libtapi32.so, which the caller's Win32Provider or loadFakeControl loads). */
export function loadControls(libraryPath: string): BenchControls {
  const k = koffi();
  k.load(fakeLibraryPath); // first, so a separate controls library binds to this copy
  const lib = k.load(libraryPath);
  const now = lib.func('uint64_t fake_now_ns(void)');
  const start = lib.func('int32_t fake_post_stamped_start(uint32_t, uint32_t, uint32_t, uint32_t)');
  const join = lib.func('int32_t fake_post_stamped_join(void *, uint32_t)');
  const native = lib.func('int32_t fake_bench_native_latency(uint32_t, uint32_t, uint32_t, void *)');
  const stamped = lib.func('int32_t fake_bench_get_message_stamped(uint32_t, void *, uint32_t, void *)');
  return {
    nowNs: () => BigInt(now()),
    postStampedStart: (hLineApp, count, intervalUs, burst) => {
      const rc = start(hLineApp >>> 0, count, intervalUs, burst) | 0;
      if (rc !== 0) throw new Error(`fake_post_stamped_start: ${rc}`);
    },
    postStampedJoin: (count) => {
      const out = new BigUint64Array(count);
      const rc = join(out, count) | 0;
      if (rc !== count) throw new Error(`fake_post_stamped_join: ${rc} (expected ${count})`);
      return out;
    },
    nativeLatency: (count, intervalUs, burst) => {
      const out = new BigUint64Array(count);
      const rc = native(count, intervalUs, burst, out) | 0;
      if (rc !== count) throw new Error(`fake_bench_native_latency: ${rc} (expected ${count})`);
      return out;
    },
    getMessageStamped: stamped as unknown as BenchControls['getMessageStamped'],
  };
}

export interface DrainResult {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
}

/** One run of the C baseline reader (its own process). */
export function runDrainBench(messages: number): DrainResult {
  const r = spawnSync(drainBenchPath, [String(messages), '1'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`drain_bench failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout.trim()) as DrainResult;
}
