// Section 2d, media: the time from call.play() to the first frame reaching the device, and the timing error of a
// 10 s prompt (played vs nominal), on the simulator at timeScale 1 (simulated time = wall clock; the device is
// AudioOut.write) and on win32 over the fake Tapi32 + fake winmm (the device is the fake's playback thread: its
// frame stamps, on its own clock). Then the same 10 s prompt on win32 with a busy-loop worker per core running:
// the fake counts underruns (a buffer written after the previous one had ended) and the silence they left.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { openTapi, toneSequence, type AudioOut, type MediaProvider, type OpenTapiOptions } from '../../lib/tapi';
import { fakeLibraryPath, loadFakeControl } from '../../test/helpers/fake-tapi32';
import { fakeWinmmPath, loadFakeWinmm } from '../../test/helpers/fake-winmm';
import { log, section } from '../lib/section';

export interface MediaRun {
  /** call.play() -> first frame at the device (ms). */
  firstFrameMs: number;
  /** The prompt as the device played it: first frame's start to last frame's end (ms). */
  playedSpanMs: number;
  /** Wall time of call.play() (ms). */
  promptWallMs: number;
  playedMs: number;
  underruns: number;
  gapMs: number;
}

export interface MediaResult {
  frameMs: number;
  promptNominalMs: number;
  simulator: MediaRun;
  win32: MediaRun;
  /** win32 again with `busyWorkers` busy loops running. */
  win32Load: MediaRun & { busyWorkers: number };
}

const PROMPT_MS = 10_000;

async function simulatorRun(): Promise<MediaRun> {
  const tapi = await openTapi({ provider: 'simulator', simulator: { timeScale: 1 } });
  const media = tapi.lineProvider.media as MediaProvider;
  let firstWrite = 0n;
  const open = media.openAudioOut.bind(media);
  media.openAudioOut = (hLine, hCall) => {
    const out = open(hLine, hCall);
    const write = out.write.bind(out);
    const wrapped: AudioOut = {
      sampleRate: out.sampleRate,
      format: out.format,
      reset: () => out.reset(),
      close: () => out.close(),
      write: (pcm) => {
        if (firstWrite === 0n) firstWrite = process.hrtime.bigint();
        return write(pcm);
      },
    };
    return wrapped;
  };
  const line = await tapi.openLine(0, { privileges: 'owner' });
  const call = await line.makeCall('5550100');
  await call.waitFor(['connected']);
  const t0 = process.hrtime.bigint();
  const result = await call.play({ pcm: toneSequence([{ frequency: 440, ms: PROMPT_MS }]), sampleRate: 8000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  await call.release();
  await tapi.shutdown();
  // Simulated time runs at the wall clock here: the prompt's span is its wall time.
  return {
    firstFrameMs: Number(firstWrite - t0) / 1e6,
    playedSpanMs: wall,
    promptWallMs: wall,
    playedMs: result.playedMs,
    underruns: 0,
    gapMs: 0,
  };
}

async function win32Run(): Promise<MediaRun> {
  const fake = loadFakeControl();
  fake.reset();
  fake.setTimeScale(0);
  const winmm = loadFakeWinmm();
  winmm.reset();
  const options: OpenTapiOptions = { provider: 'win32', libraryPath: fakeLibraryPath, winmmPath: fakeWinmmPath, appName: 'bench media' };
  const tapi = await openTapi(options);
  const line = await tapi.openLine(0, { privileges: 'owner' });
  const call = await line.makeCall('5550100');
  await call.waitFor(['connected']);
  const id = fake.waveIds(call.handle)!.out;
  const pcm = toneSequence([{ frequency: 440, ms: PROMPT_MS }]);
  const d0 = winmm.nowNs();
  const t0 = process.hrtime.bigint();
  const result = await call.play({ pcm, sampleRate: 8000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const frames = winmm.frames(id);
  const o = winmm.outstanding();
  await call.release();
  await tapi.shutdown();
  return {
    firstFrameMs: Number(frames[0].startNs - d0) / 1e6,
    playedSpanMs: Number(frames[frames.length - 1].endNs - frames[0].startNs) / 1e6,
    promptWallMs: wall,
    playedMs: result.playedMs,
    underruns: o.underruns,
    gapMs: o.gapNs / 1e6,
  };
}

/** One busy loop per core until terminated. */
function busyWorkers(n: number): Worker[] {
  return Array.from({ length: n }, () => new Worker('for (;;) { Math.sqrt(Math.random()); }', { eval: true }));
}

section(async () => {
  const simulator = await simulatorRun();
  log(
    `simulator timeScale 1: first frame ${simulator.firstFrameMs.toFixed(3)} ms after play(); 10 s prompt took ${simulator.promptWallMs.toFixed(1)} ms`,
  );
  const win32 = await win32Run();
  log(
    `win32 + fake winmm: first frame ${win32.firstFrameMs.toFixed(3)} ms after play(); played over ${win32.playedSpanMs.toFixed(1)} ms, ` +
      `${win32.underruns} underruns (${win32.gapMs.toFixed(1)} ms of gaps)`,
  );
  const n = os.cpus().length;
  const workers = busyWorkers(n);
  let loaded: MediaRun;
  try {
    loaded = await win32Run();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  log(
    `win32 with ${n} busy workers: played over ${loaded.playedSpanMs.toFixed(1)} ms, ${loaded.underruns} underruns (${loaded.gapMs.toFixed(1)} ms)`,
  );
  return { frameMs: 20, promptNominalMs: PROMPT_MS, simulator, win32, win32Load: { ...loaded, busyWorkers: n } } satisfies MediaResult;
});
