// Audio on calls over the simulator (issue 14): prompt duration in simulated time, barge-in, the prompt queue,
// stopPlaying, recordings as valid WAV of the expected length with each end reason, and the line without wave
// devices refused with LINEERR_INVALDEVICECLASS.
import assert from 'node:assert/strict';
import { WaveFile } from 'wavefile';
import { NO_AUDIO_DEVICE, openTapi, toneSequence, toWav, type Call, type Tapi } from '../lib/tapi';
import type { SimulatorControls } from '../lib/tapi/providers/simulator';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(predicate: () => boolean, limit = 20000): Promise<void> {
  for (let i = 0; i < limit && !predicate(); i++) await turn();
  assert.ok(predicate(), 'condition not reached');
}

describe('media on the simulator (play, record)', function () {
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

  it('line.mediaCapabilities: line 0 has wave devices, the analog line 1 has none', async () => {
    const caps = (await tapi.openLine(0)).mediaCapabilities;
    assert.equal(caps.audio, true);
    assert.ok(caps.deviceClasses.includes('wave/out') && caps.deviceClasses.includes('wave/in'));
    assert.deepEqual(caps.formats[0], { encoding: 'pcm16', sampleRate: 8000 });
    const analog = (await tapi.openLine(1)).mediaCapabilities;
    assert.equal(analog.audio, false);
    assert.deepEqual(analog.formats, []);
  });

  it('a prompt plays completely with its duration, and the far end heard exactly it', async () => {
    const call = await connected();
    const pcm = toneSequence([{ frequency: 440, ms: 1500 }]);
    const result = await call.play({ pcm, sampleRate: 8000 });
    assert.equal(result.completed, true);
    assert.equal(result.playedMs, 1500);
    const heard = sim.heard(call.handle);
    assert.equal(heard.playedMs, 1500);
    assert.deepEqual(Array.from(heard.pcm.subarray(0, 200)), Array.from(pcm.subarray(0, 200)));
  });

  it('a 16 kHz WAV Buffer is resampled to 8 kHz (duration kept)', async () => {
    const call = await connected();
    const wav = toWav(toneSequence([{ frequency: 300, ms: 1000 }], 16000), 16000);
    const result = await call.play(wav);
    assert.equal(result.completed, true);
    assert.ok(Math.abs(result.playedMs - 1000) <= 20, `playedMs ${result.playedMs}`);
    assert.ok(Math.abs(sim.heard(call.handle).pcm.length - 8000) <= 160);
  });

  it('barge-in: a stop digit ends the prompt at once, with the digit and the ms played', async () => {
    const call = await connected();
    const playing = call.play({ pcm: toneSequence([{ frequency: 440, ms: 10000 }]), sampleRate: 8000 }, { stopOnDigits: '#' });
    await until(() => sim.heard(call.handle).playedMs >= 100);
    sim.remoteDigits(call.handle, '1#', { interDigitMs: 0 });
    const result = await playing;
    assert.equal(result.completed, false);
    assert.equal(result.digit, '#');
    assert.ok(result.playedMs < 10000);
    assert.equal(sim.heard(call.handle).playedMs, result.playedMs);
  });

  it('prompts queue per call; stopPlaying ends the running and the queued ones', async () => {
    const call = await connected();
    const a = call.play({ pcm: toneSequence([{ frequency: 440, ms: 200 }]), sampleRate: 8000 });
    const b = call.play({ pcm: toneSequence([{ frequency: 660, ms: 300 }]), sampleRate: 8000 });
    assert.deepEqual([(await a).playedMs, (await b).playedMs], [200, 300]);
    assert.equal(sim.heard(call.handle).playedMs, 500);
    const long = call.play({ pcm: new Int16Array(80000).fill(1000), sampleRate: 8000 });
    const queued = call.play({ pcm: new Int16Array(8000).fill(1000), sampleRate: 8000 });
    await until(() => sim.heard(call.handle).playedMs > 500);
    call.stopPlaying();
    const [r1, r2] = await Promise.all([long, queued]);
    assert.equal(r1.completed, false);
    assert.equal(r1.reason, 'stopped');
    assert.equal(r2.completed, false);
    assert.equal(r2.playedMs, 0);
  });

  it('hang-up ends a prompt (reason hangup)', async () => {
    const call = await connected();
    const playing = call.play({ pcm: new Int16Array(80000).fill(500), sampleRate: 8000 });
    await until(() => sim.heard(call.handle).playedMs > 0);
    sim.remoteHangup(call.handle);
    const result = await playing;
    assert.equal(result.completed, false);
    assert.equal(result.reason, 'hangup');
  });

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

  it('record ends on silence after speech, on a stop digit, on stopRecording and on hang-up', async () => {
    let call = await connected('5550111');
    const silent = await call.record({ maxMs: 10000, silenceMs: 500 });
    assert.equal(silent.reason, 'silence');
    assert.ok(silent.durationMs >= 2500 && silent.durationMs < 2700, `durationMs ${silent.durationMs}`);

    const digit = call.record({ maxMs: 10000, stopOnDigits: '#' });
    sim.remoteDigits(call.handle, '#', { interDigitMs: 0 });
    const d = await digit;
    assert.deepEqual([d.reason, d.digit], ['digit', '#']);

    const stopped = call.record({ maxMs: 10000 });
    call.stopRecording();
    assert.equal((await stopped).reason, 'stopped');
    await assert.rejects(call.record({ maxMs: 0 }), { name: 'TapiValidationError' });

    call = await connected('5550100');
    sim.remoteAudio(call.handle, { pcm: toneSequence([{ frequency: 500, ms: 400 }]), sampleRate: 8000 });
    const hung = call.record({ maxMs: 10000 });
    sim.remoteHangup(call.handle);
    const h = await hung;
    assert.equal(h.reason, 'hangup');
    assert.equal(new WaveFile(h.wav).getSamples().length, Math.round((h.durationMs * 8000) / 1000));
  });

  it('the analog line (no wave devices): play and record reject with LINEERR_INVALDEVICECLASS and the plain message', async () => {
    const call = await connected('5550100', 1);
    await assert.rejects(call.play({ pcm: new Int16Array(80), sampleRate: 8000 }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'LINEERR_INVALDEVICECLASS');
      assert.ok(e.message.includes(NO_AUDIO_DEVICE));
      return true;
    });
    await assert.rejects(call.record({ maxMs: 1000 }), { code: 'LINEERR_INVALDEVICECLASS' });
  });

  it('bad audio gets a named validation error and nothing is queued', async () => {
    const call = await connected();
    await assert.rejects(call.play(Buffer.from('not a wav')), { name: 'TapiValidationError' });
    await assert.rejects(call.play('/nonexistent/prompt.wav'), { name: 'TapiValidationError' });
    await assert.rejects(call.play({ pcm: new Int16Array(8), sampleRate: 8000 }, { stopOnDigits: 'x' }), { name: 'TapiValidationError' });
    const ok = await call.play({ pcm: new Int16Array(160), sampleRate: 8000 });
    assert.equal(ok.playedMs, 20);
  });
});
