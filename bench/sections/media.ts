// Section 2d, media: on the simulator at timeScale 1 (simulated time = wall clock), the time from call.play()
// to the first frame reaching the device (AudioOut.write), against one 20 ms frame; and the wall time a 10 s
// prompt takes against its nominal 10 s (the timing error). win32 is not measured yet (no winmm provider).
import { openTapi, toneSequence, type AudioOut, type MediaProvider } from '../../lib/tapi';
import { log, section } from '../lib/section';

export interface MediaResult {
  firstFrameMs: number;
  frameMs: number;
  promptWallMs: number;
  promptNominalMs: number;
  playedMs: number;
}

section(async () => {
  const tapi = await openTapi({ provider: 'simulator', simulator: { timeScale: 1 } });
  const media = tapi.lineProvider.media as MediaProvider;
  let firstWrite = 0n;
  const open = media.openAudioOut.bind(media);
  media.openAudioOut = (hLine, hCall) => {
    const out = open(hLine, hCall);
    const write = out.write.bind(out);
    const wrapped: AudioOut = {
      ...out,
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
  const pcm = toneSequence([{ frequency: 440, ms: 10000 }]);
  const t0 = process.hrtime.bigint();
  const result = await call.play({ pcm, sampleRate: 8000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const first = Number(firstWrite - t0) / 1e6;
  log(
    `simulator timeScale 1: first frame ${first.toFixed(3)} ms after play(); 10 s prompt took ${wall.toFixed(1)} ms (played ${result.playedMs} ms)`,
  );
  await call.release();
  await tapi.shutdown();
  return { firstFrameMs: first, frameMs: 20, promptWallMs: wall, promptNominalMs: 10000, playedMs: result.playedMs } satisfies MediaResult;
});
