// Contract: audio on calls (issue 14) through lib/tapi's public surface, on every provider with a media seam.
// Durations are read on the device's side (what the far end heard, with the device's own frame timing), never as
// wall-clock limits; where the simulator (simulated time) and win32 over the fakes (real time) differ, the
// harness says how time passes.
import assert from 'node:assert/strict';
import { WaveFile } from 'wavefile';
import { NO_AUDIO_DEVICE, openTapi, toneSequence, toWav, TapiError, type Call, type Tapi } from '../../lib/tapi';
import type { MediaHarness } from '../harness/media';
import { WAIT_MS, itWith, offered, rejectsWith } from './helpers';

const RATE = 8000;
/** Frames of the model's queue (call-media.ts): a reset may cut at most the frames in flight. */
const IN_FLIGHT_MS = 3 * 20;
const INT16 = Int16Array as unknown as Parameters<WaveFile['getSamples']>[1];

function tone(ms: number, frequency = 440): Int16Array {
  return toneSequence([{ frequency, ms }], RATE);
}

function samplesOf(wav: Buffer): Int16Array {
  return new WaveFile(wav).getSamples(false, INT16) as unknown as Int16Array;
}

/** Mean absolute sample value of pcm[from, to) (samples). */
function level(pcm: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.abs(pcm[i]);
  return sum / Math.max(1, to - from);
}

export function describeMediaContract(harness: MediaHarness): void {
  describe(`media contract: ${harness.name}`, function () {
    this.timeout(30_000);
    let tapi: Tapi;

    before(function () {
      assert.ok(harness.available(), `${harness.name} is not available on this machine`);
    });

    beforeEach(async function () {
      harness.reset();
      tapi = await openTapi(harness.tapiOptions());
    });

    afterEach(async function () {
      await tapi.shutdown();
      assert.deepEqual(harness.base.outstanding(tapi), { lines: 0, calls: 0, requests: 0 }, 'the provider holds nothing after shutdown');
      const devices = harness.devices();
      if (devices) assert.deepEqual(devices, { open: 0, prepared: 0, misuse: 0 }, 'every wave device closed, every header unprepared');
    });

    async function until(predicate: () => boolean, what: string): Promise<void> {
      const deadline = Date.now() + WAIT_MS;
      while (!predicate()) {
        if (Date.now() > deadline) assert.fail(`${what}: not reached within ${WAIT_MS} ms`);
        await harness.turn();
      }
    }

    /** What the far end heard once what was sent so far has arrived (a datagram needs a turn of the loop). */
    async function heardNow(call: Call) {
      await harness.turn();
      return harness.heard(tapi, call);
    }

    /** What the far end can hear of `pcm`. */
    const asHeard = (pcm: Int16Array): Int16Array => (harness.heardAs ? harness.heardAs(pcm) : pcm);

    /** A few frames' worth of the provider's time. */
    async function settle(): Promise<void> {
      for (let i = 0; i < 20; i++) await harness.turn();
    }

    async function connected(number = '5550100', deviceId = 0): Promise<Call> {
      const line = await tapi.openLine(deviceId, { privileges: ['owner'] });
      const call = await line.makeCall(number);
      await call.waitFor(['connected'], WAIT_MS);
      return call;
    }

    it('line.mediaCapabilities: line 0 names its wave devices and formats', async function () {
      const caps = (await tapi.openLine(0)).mediaCapabilities;
      assert.equal(caps.audio, true);
      assert.equal(caps.playback, true);
      assert.equal(caps.recording, true);
      assert.ok(caps.deviceClasses.includes('wave/out') && caps.deviceClasses.includes('wave/in'), caps.deviceClasses.join());
      assert.deepEqual(caps.formats[0], { encoding: 'pcm16', sampleRate: 8000 });
    });

    itWith(harness.base, ['simulatedLines'], 'line.mediaCapabilities: the analog line 1 has no wave devices', async function () {
      const analog = (await tapi.openLine(1)).mediaCapabilities;
      assert.deepEqual([analog.audio, analog.playback, analog.recording], [false, false, false]);
      assert.ok(!analog.deviceClasses.some((c) => c.startsWith('wave/')), analog.deviceClasses.join());
      assert.deepEqual(analog.formats, []);
    });

    it('a prompt plays completely: the far end heard exactly its samples, frame by frame, over its duration', async function () {
      const call = await connected();
      const pcm = tone(1000);
      const result = await call.play({ pcm, sampleRate: RATE });
      assert.deepEqual(result, { completed: true, playedMs: 1000 });
      const heard = await heardNow(call);
      assert.equal(heard.pcm.length, pcm.length, 'every sample reached the device once');
      assert.deepEqual(Array.from(heard.pcm), Array.from(asHeard(pcm)), 'in order, unchanged');
      assert.equal(heard.frames, 50, 'in 20 ms frames');
      // The device's clock: 1000 ms of audio span 1000 ms (a gap would be an underrun), within a frame or two.
      assert.ok(Math.abs(heard.spanMs - 1000) <= 40, `played over ${heard.spanMs.toFixed(1)} ms`);
    });

    it('a 16 kHz WAV Buffer is resampled to the device rate, its duration kept', async function () {
      const call = await connected();
      const result = await call.play(toWav(toneSequence([{ frequency: 300, ms: 600 }], 16000), 16000));
      assert.equal(result.completed, true);
      assert.ok(Math.abs(result.playedMs - 600) <= 20, `playedMs ${result.playedMs}`);
      assert.ok(Math.abs((await heardNow(call)).pcm.length - 4800) <= 160);
    });

    it('barge-in: a stop digit ends the prompt at once, with the digit; nothing more reaches the device', async function () {
      const call = await connected();
      const playing = call.play({ pcm: tone(10_000), sampleRate: RATE }, { stopOnDigits: '#' });
      await until(() => harness.heard(tapi, call).playedMs >= 100, 'the prompt is playing');
      harness.base.remoteDigits(tapi, call, '1#', { interDigitMs: 0 });
      const result = await playing;
      assert.equal(result.completed, false);
      assert.equal(result.digit, '#');
      assert.equal(result.reason, 'digit');
      const atStop = (await heardNow(call)).playedMs;
      assert.ok(result.playedMs > 0 && result.playedMs < 10_000, `playedMs ${result.playedMs}`);
      // What was in flight may have been cut part-way (the device heard it, the result counts whole frames only).
      assert.ok(atStop >= result.playedMs && atStop - result.playedMs <= IN_FLIGHT_MS, `device ${atStop} ms, result ${result.playedMs} ms`);
      await settle();
      assert.equal(harness.heard(tapi, call).playedMs, atStop, 'the device stopped at the digit');
    });

    it('prompts queue per call and play in turn; stopPlaying ends the running prompt and the queued ones', async function () {
      const call = await connected();
      const a = tone(200, 440);
      const b = tone(300, 660);
      const [ra, rb] = await Promise.all([call.play({ pcm: a, sampleRate: RATE }), call.play({ pcm: b, sampleRate: RATE })]);
      assert.deepEqual([ra.playedMs, rb.playedMs], [200, 300]);
      const heard = await heardNow(call);
      assert.deepEqual(Array.from(heard.pcm), [...asHeard(a), ...asHeard(b)], 'the first prompt, then the second, whole');

      const long = call.play({ pcm: new Int16Array(80_000).fill(1000), sampleRate: RATE });
      const queued = call.play({ pcm: new Int16Array(8000).fill(2000), sampleRate: RATE });
      await until(() => harness.heard(tapi, call).playedMs > 600, 'the long prompt is playing');
      call.stopPlaying();
      const [r1, r2] = await Promise.all([long, queued]);
      assert.deepEqual([r1.completed, r1.reason], [false, 'stopped']);
      assert.deepEqual([r2.completed, r2.reason, r2.playedMs], [false, 'stopped', 0]);
      await settle();
      // After the first two prompts (whose tones pass through every level): the long prompt only.
      const after = harness.heard(tapi, call).pcm.subarray(a.length + b.length);
      assert.ok(!after.includes(asHeard(Int16Array.of(2000))[0]), 'nothing of the queued prompt reached the device');
    });

    it('hang-up ends a prompt (reason hangup)', async function () {
      const call = await connected();
      const playing = call.play({ pcm: new Int16Array(80_000).fill(500), sampleRate: RATE });
      await until(() => harness.heard(tapi, call).playedMs > 0, 'the prompt is playing');
      harness.base.remoteHangup(tapi, call);
      const result = await playing;
      assert.deepEqual([result.completed, result.reason], [false, 'hangup']);
    });

    it('a recording of maxMs 1000 is a valid 8 kHz 16-bit mono WAV of 1 s holding what the far end said', async function () {
      const call = await connected();
      const recording = call.record({ maxMs: 1000 });
      harness.remoteAudio(tapi, call, tone(300, 500));
      const rec = await recording;
      assert.equal(rec.reason, 'maxduration');
      assert.equal(rec.durationMs, 1000);
      const wav = new WaveFile(rec.wav);
      const fmt = wav.fmt as { audioFormat: number; sampleRate: number; numChannels: number; bitsPerSample: number };
      assert.deepEqual([fmt.audioFormat, fmt.sampleRate, fmt.numChannels, fmt.bitsPerSample], [1, 8000, 1, 16]);
      const samples = samplesOf(rec.wav);
      assert.equal(samples.length, 8000);
      assert.ok(level(samples, 0, 2400) > 1000, `the speech is in the first 300 ms (level ${level(samples, 0, 2400).toFixed(0)})`);
      assert.ok(level(samples, 3200, 8000) < 100, 'silence after it');
    });

    it('record ends on silence after speech, on a stop digit, on stopRecording and on hang-up', async function () {
      const call = await connected();
      const quiet = call.record({ maxMs: 5000, silenceMs: 300 });
      harness.remoteAudio(tapi, call, tone(400, 500));
      const silent = await quiet;
      assert.equal(silent.reason, 'silence');
      // 400 ms of speech, then 300 ms of silence, in 20 ms frames (after the path's delay, if any).
      const late = harness.inputLatencyMs ?? 0;
      assert.ok(silent.durationMs >= 680 && silent.durationMs <= 740 + late, `durationMs ${silent.durationMs}`);
      assert.equal(samplesOf(silent.wav).length, Math.round((silent.durationMs * RATE) / 1000));

      const digit = call.record({ maxMs: 5000, stopOnDigits: '#' });
      await settle();
      harness.base.remoteDigits(tapi, call, '#', { interDigitMs: 0 });
      const d = await digit;
      assert.deepEqual([d.reason, d.digit], ['digit', '#']);
      assert.ok(d.durationMs < 5000);

      const stopped = call.record({ maxMs: 5000 });
      await settle();
      call.stopRecording();
      const s = await stopped;
      assert.equal(s.reason, 'stopped');
      assert.equal(samplesOf(s.wav).length, Math.round((s.durationMs * RATE) / 1000));
      await assert.rejects(call.record({ maxMs: 0 }), { name: 'TapiValidationError' });

      const hung = call.record({ maxMs: 5000 });
      harness.remoteAudio(tapi, call, tone(200, 500));
      await settle();
      harness.base.remoteHangup(tapi, call);
      const h = await hung;
      assert.equal(h.reason, 'hangup');
      assert.equal(samplesOf(h.wav).length, Math.round((h.durationMs * RATE) / 1000));
    });

    it('one recording per call at a time: a second is refused with LINEERR_INVALCALLSTATE, the first goes on', async function () {
      const call = await connected();
      const first = call.record({ maxMs: 200 });
      await rejectsWith(call.record({ maxMs: 200 }), 'LINEERR_INVALCALLSTATE', 'record');
      assert.equal((await first).reason, 'maxduration');
    });

    itWith(
      harness.base,
      ['simulatedLines'],
      'the analog line (no wave devices): play and record reject with LINEERR_INVALDEVICECLASS and the plain message',
      async function () {
        const call = await connected('5550100', 1);
        const error = await rejectsWith(call.play({ pcm: new Int16Array(80), sampleRate: RATE }), 'LINEERR_INVALDEVICECLASS', 'lineGetID');
        assert.ok(error.message.includes(NO_AUDIO_DEVICE), error.message);
        const rec = await rejectsWith(call.record({ maxMs: 1000 }), 'LINEERR_INVALDEVICECLASS', 'lineGetID');
        assert.ok(rec.message.includes(NO_AUDIO_DEVICE), rec.message);
      },
    );

    it('a call that is not connected cannot play: LINEERR_INVALCALLSTATE, nothing opened', async function () {
      const line = await tapi.openLine(0, { privileges: ['owner'] });
      const call = await offered(harness.base, tapi, line);
      const error = await rejectsWith(call.play({ pcm: new Int16Array(160), sampleRate: RATE }), 'LINEERR_INVALCALLSTATE', 'waveOutOpen');
      assert.ok(error instanceof TapiError);
      await rejectsWith(call.record({ maxMs: 100 }), 'LINEERR_INVALCALLSTATE', 'waveInOpen');
      const devices = harness.devices();
      if (devices) assert.equal(devices.open, 0);
    });

    it('bad audio gets a named validation error and the queue goes on', async function () {
      const call = await connected();
      await assert.rejects(call.play(Buffer.from('not a wav')), { name: 'TapiValidationError' });
      await assert.rejects(call.play('/nonexistent/prompt.wav'), { name: 'TapiValidationError' });
      await assert.rejects(call.play({ pcm: new Int16Array(8), sampleRate: RATE }, { stopOnDigits: 'x' }), { name: 'TapiValidationError' });
      const ok = await call.play({ pcm: new Int16Array(160).fill(7), sampleRate: RATE });
      assert.equal(ok.playedMs, 20);
      assert.equal((await heardNow(call)).pcm.length, 160);
    });
  });
}
