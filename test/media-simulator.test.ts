// Audio on the simulator's own terms (issue 14): test number 5550111 speaks a two-second prompt, the far end's
// speech control refuses a line without wave devices. The provider-independent cases (duration, barge-in, queue,
// recordings and their end reasons, the no-audio line) are the media contract (test/contract/media.ts).
import assert from 'node:assert/strict';
import { WaveFile } from 'wavefile';
import { NO_AUDIO_DEVICE, openTapi, toneSequence, type Call, type Tapi } from '../lib/tapi';
import type { SimulatorControls } from '../lib/tapi/providers/simulator';

describe('media on the simulator (5550111, remoteAudio)', function () {
  this.timeout(20000);
  let tapi: Tapi;
  let sim: SimulatorControls;

  beforeEach(async () => {
    tapi = (await openTapi({ provider: 'simulator', simulator: { timeScale: 0 } })) as unknown as Tapi;
    sim = tapi.simulator as SimulatorControls;
  });
  afterEach(async () => {
    await tapi.shutdown();
  });

  async function connected(number = '5550100', deviceId = 0): Promise<Call> {
    const line = await tapi.openLine(deviceId, { privileges: ['owner'] });
    const call = await line.makeCall(number);
    await call.waitFor(['connected']);
    return call;
  }

  it('5550111 speaks a two-second prompt: a recording of maxMs 3000 is a valid 3 s WAV holding it', async () => {
    const call = await connected('5550111');
    const rec = await call.record({ maxMs: 3000 });
    assert.equal(rec.reason, 'maxduration');
    assert.equal(rec.durationMs, 3000);
    const wav = new WaveFile(rec.wav);
    const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
    assert.deepEqual([fmt.sampleRate, fmt.numChannels, fmt.bitsPerSample], [8000, 1, 16]);
    const samples = wav.getSamples(false, Int16Array as unknown as Parameters<WaveFile['getSamples']>[1]) as unknown as Int16Array;
    assert.equal(samples.length, 24000);
    const loud = (from: number, to: number) => samples.subarray(from, to).reduce((n, v) => n + Math.abs(v), 0) / (to - from);
    assert.ok(loud(0, 8000) > 1000, 'the prompt is in the first second');
    assert.ok(loud(17000, 24000) < 100, 'silence after the prompt');
  });

  it('5550111: silence detection ends the recording after the prompt', async () => {
    const call = await connected('5550111');
    const silent = await call.record({ maxMs: 10000, silenceMs: 500 });
    assert.equal(silent.reason, 'silence');
    assert.ok(silent.durationMs >= 2500 && silent.durationMs < 2700, `durationMs ${silent.durationMs}`);
  });

  it('heard() reports what our side played; remoteAudio is refused on the analog line with the plain message', async () => {
    const call = await connected();
    await call.play({ pcm: toneSequence([{ frequency: 440, ms: 100 }]), sampleRate: 8000 });
    assert.deepEqual([sim.heard(call.handle).playedMs, sim.heard(call.handle).sampleRate], [100, 8000]);
    const analog = await connected('5550100', 1);
    assert.throws(
      () => sim.remoteAudio(analog.handle, { pcm: new Int16Array(80), sampleRate: 8000 }),
      (e: Error) => e.message.includes(NO_AUDIO_DEVICE),
    );
  });
});
