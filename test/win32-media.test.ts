// The win32 media provider's own terms (lineGetIDW + winmm, tapi-reference.md §14.3, §15) against the fake Tapi32
// and the fake winmm: the format query and the µ-law / A-law fallback, device ids fetched per call, winmm's
// failures as named errors, the VARSTRING of lineGetIDW, devices closed by the provider's shutdown, and the
// declaration table. The behaviour every provider shares is the media contract (contract-media-win32).
import assert from 'node:assert/strict';
import { WaveFile } from 'wavefile';
import { openTapi, toneSequence, TapiError, type Call, type Tapi } from '../lib/tapi';
import { LINECALLSELECT, LINEERR } from '../lib/tapi/constants';
import type { Win32Provider } from '../lib/tapi/providers/win32';
import type { Tapi32 } from '../lib/tapi/providers/win32/bindings';
import { WINMM_PROTOTYPES } from '../lib/tapi/providers/win32/wave-bindings';
import { win32Media } from './harness/media';
import { loadFakeWinmm } from './helpers/fake-winmm';
import { loadFakeControl } from './helpers/fake-tapi32';
import { rejectsWith } from './contract/helpers';

const WAVE_MAPPED = 0x4;
const CALLBACK_TYPEMASK = 0x00070000;
const INT16 = Int16Array as unknown as Parameters<WaveFile['getSamples']>[1];

describe('win32 media: lineGetIDW + winmm over the fake Tapi32 and the fake winmm', function () {
  this.timeout(30_000);
  let tapi: Tapi;

  before(function () {
    assert.ok(win32Media.available(), 'the fake Tapi32 and the fake winmm are built (npm run build:fake-tapi32)');
  });
  beforeEach(async function () {
    win32Media.reset();
    tapi = await openTapi(win32Media.tapiOptions());
  });
  afterEach(async function () {
    await tapi.shutdown();
    await provider().whenReleased();
    assert.equal(provider().outstandingBuffers(), 0, 'every native buffer released');
    assert.deepEqual(win32Media.devices(), { open: 0, prepared: 0, misuse: 0 });
  });

  const provider = () => tapi.lineProvider as unknown as Win32Provider;
  const winmm = () => loadFakeWinmm();

  async function connected(deviceId = 0): Promise<Call> {
    const line = await tapi.openLine(deviceId, { privileges: ['owner'] });
    const call = await line.makeCall('5550100');
    await call.waitFor(['connected'], 10_000);
    return call;
  }

  /** Largest |a[i] - b[i]|. */
  function maxError(a: Int16Array, b: Int16Array): number {
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
  }

  it('queries the format first (WAVE_FORMAT_QUERY | WAVE_MAPPED) and opens with CALLBACK_NULL: 8 kHz 16-bit PCM when the device takes it', async function () {
    const call = await connected();
    await call.play({ pcm: toneSequence([{ frequency: 440, ms: 100 }]), sampleRate: 8000 });
    const o = winmm().outstanding();
    assert.equal(o.queries, 1, 'one query: PCM was taken');
    assert.equal(o.opens, 1);
    assert.equal(o.lastOpenFlags & WAVE_MAPPED, WAVE_MAPPED, 'the wave mapper may convert (voice modems speak ADPCM)');
    assert.equal(o.lastOpenFlags & CALLBACK_TYPEMASK, 0, 'CALLBACK_NULL: never a winmm callback');
    assert.deepEqual(
      winmm()
        .frames(1)
        .map((f) => f.tag),
      [1, 1, 1, 1, 1],
    );
  });

  it('falls back to µ-law when the device refuses PCM: played and recorded audio converted both ways', async function () {
    winmm().acceptFormats(['mulaw']);
    const call = await connected();
    const pcm = toneSequence([{ frequency: 440, ms: 400 }]);
    const result = await call.play({ pcm, sampleRate: 8000 });
    assert.deepEqual(result, { completed: true, playedMs: 400 });
    const frames = winmm().frames(1);
    assert.ok(
      frames.every((f) => f.tag === 7 && f.bytes === 160),
      'µ-law, one byte per sample',
    );
    assert.equal(winmm().outstanding().queries, 2, 'PCM refused, then µ-law taken');
    const heard = winmm().played(1);
    assert.ok(maxError(heard, pcm) <= 300, `G.711 error ${maxError(heard, pcm)}`);

    const recording = call.record({ maxMs: 400 });
    winmm().feed(1, pcm);
    const rec = await recording;
    assert.equal(rec.reason, 'maxduration');
    const samples = new WaveFile(rec.wav).getSamples(false, INT16) as unknown as Int16Array;
    assert.equal(
      (new WaveFile(rec.wav).fmt as { bitsPerSample: number }).bitsPerSample,
      16,
      'the recording is 16-bit PCM whatever the device',
    );
    assert.ok(maxError(samples, pcm) <= 300, `G.711 error ${maxError(samples, pcm)}`);
  });

  it('falls back to A-law after µ-law; a device that takes none of them is refused by name, nothing opened', async function () {
    winmm().acceptFormats(['alaw']);
    const call = await connected();
    await call.play({ pcm: new Int16Array(160).fill(1000), sampleRate: 8000 });
    assert.deepEqual(
      winmm()
        .frames(1)
        .map((f) => f.tag),
      [6],
    );
    assert.ok(Math.abs(winmm().played(1)[0] - 1000) <= 40);
    winmm().acceptFormats([]);
    const error = await rejectsWith(call.play({ pcm: new Int16Array(160), sampleRate: 8000 }), 'LINEERR_OPERATIONUNAVAIL', 'waveOutOpen');
    assert.match(error.message, /WAVERR_BADFORMAT/);
    await rejectsWith(call.record({ maxMs: 100 }), 'LINEERR_OPERATIONUNAVAIL', 'waveInOpen');
    assert.equal(winmm().outstanding().openOut + winmm().outstanding().openIn, 0);
  });

  it('fetches the device ids per call, never caching them: a device that moved is followed, one that left is named', async function () {
    const call = await connected();
    await call.play({ pcm: new Int16Array(160).fill(11), sampleRate: 8000 });
    assert.equal(winmm().frames(1).length, 1, 'played on wave/out 1, the id lineGetIDW gave');
    loadFakeControl().setWaveIds(0, 0, 0);
    await call.play({ pcm: new Int16Array(160).fill(22), sampleRate: 8000 });
    assert.equal(winmm().frames(0).length, 1, 'the next prompt follows the device to id 0');
    assert.equal(winmm().played(0)[0], 22);

    loadFakeControl().setWaveIds(0, 5, 5);
    const gone = await rejectsWith(call.play({ pcm: new Int16Array(160), sampleRate: 8000 }), 'LINEERR_NODEVICE', 'waveOutOpen');
    assert.match(gone.message, /MMSYSERR_BADDEVICEID/);
    await rejectsWith(call.record({ maxMs: 100 }), 'LINEERR_NODEVICE', 'waveInOpen');
    loadFakeControl().setWaveIds(0, 1, 1);
    winmm().holdDevice('out', 1, true);
    const busy = await rejectsWith(call.play({ pcm: new Int16Array(160), sampleRate: 8000 }), 'LINEERR_RESOURCEUNAVAIL', 'waveOutOpen');
    assert.match(busy.message, /MMSYSERR_ALLOCATED/);
    winmm().holdDevice('out', 1, false);
    assert.equal((await call.play({ pcm: new Int16Array(160), sampleRate: 8000 })).completed, true, 'the device is back');
  });

  it('lineGetIDW: a binary VARSTRING holding one DWORD, dwNeededSize when it is too small, the LINEERRs of §14.2', async function () {
    const call = await connected();
    const api = (provider() as unknown as { api: Tapi32 }).api;
    const get = (total: number, cls: string, select: number = LINECALLSELECT.CALL, hCall = call.handle) => {
      const b = new Uint8Array(Math.max(total, 24));
      const v = new DataView(b.buffer);
      v.setUint32(0, total, true);
      const rc = api.lineGetIDW(call.line.hLine, 0, hCall, select, b, cls) | 0;
      return {
        rc,
        needed: v.getUint32(4, true),
        used: v.getUint32(8, true),
        format: v.getUint32(12, true),
        size: v.getUint32(16, true),
        offset: v.getUint32(20, true),
        v,
      };
    };
    const small = get(24, 'wave/out');
    assert.deepEqual(
      [small.rc, small.needed, small.used, small.size, small.offset],
      [0, 28, 24, 0, 0],
      'fixed part only: Size = Offset = 0',
    );
    const full = get(64, 'WAVE/OUT');
    assert.deepEqual(
      [full.rc, full.format, full.size, full.offset, full.needed],
      [0, 4, 4, 24, 28],
      'STRINGFORMAT_BINARY, class names case-insensitive',
    );
    assert.equal(full.v.getUint32(24, true), 1);
    assert.equal(get(64, 'wave/in', LINECALLSELECT.LINE).v.getUint32(24, true), 1, 'by line as well');
    assert.equal(get(64, 'wave/out', 0x3).rc, LINEERR.INVALCALLSELECT | 0, 'exactly one LINECALLSELECT');
    assert.equal(get(64, 'wave/out', LINECALLSELECT.CALL, 0x1234).rc, LINEERR.INVALCALLHANDLE | 0);
    assert.equal(get(64, 'midi/out').rc, LINEERR.INVALDEVICECLASS | 0);
    assert.throws(
      () => provider().media.openAudioOut(call.line.hLine, 0x1234),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLHANDLE' && e.operation === 'lineGetID',
    );
    const analog = await connected(1);
    assert.equal(get(64, 'wave/out', LINECALLSELECT.CALL, analog.handle).rc, LINEERR.INVALDEVICECLASS | 0);
    assert.equal(get(64, 'tapi/line', LINECALLSELECT.CALL, analog.handle).v.getUint32(24, true), 1, 'tapi/line: the line device id');
    const misuse = loadFakeControl().outstanding().misuse;
    const tooSmall = get(23, 'wave/out');
    assert.deepEqual(
      [tooSmall.rc, tooSmall.needed, tooSmall.used],
      [LINEERR.STRUCTURETOOSMALL | 0, 24, 24],
      'dwNeededSize = the fixed part',
    );
    // The fake counts a structure below its fixed part as misuse (the package never sends one): cleared here.
    assert.equal(loadFakeControl().outstanding().misuse, misuse + 1);
    await tapi.shutdown();
    loadFakeControl().reset();
  });

  it("the provider's shutdown closes the devices it opened: buffers returned, headers unprepared, memory freed", async function () {
    const call = await connected();
    const media = provider().media;
    const out = media.openAudioOut(call.line.hLine, call.handle);
    const input = media.openAudioIn(call.line.hLine, call.handle);
    const frames: Int16Array[] = [];
    input.start((f) => frames.push(f));
    const writes = [0, 1, 2].map(() => out.write(new Int16Array(1600).fill(3)));
    assert.equal(media.openDevices, 2);
    assert.equal(winmm().outstanding().prepared, 7, 'three output headers and four input headers prepared');
    await tapi.shutdown();
    assert.deepEqual(await Promise.all(writes), [false, false, false], 'reset at shutdown: no frame completed');
    assert.equal(media.openDevices, 0);
    out.close(); // idempotent: already closed by the shutdown
    input.close();
  });

  it('loads only the winmm functions of WINMM_PROTOTYPES, on the first call that has audio', async function () {
    const media = provider().media as unknown as { winmm?: Record<string, unknown> };
    const line = await tapi.openLine(1, { privileges: ['owner'] });
    const analog = await line.makeCall('5550100');
    await analog.waitFor(['connected'], 10_000);
    await rejectsWith(analog.play({ pcm: new Int16Array(160), sampleRate: 8000 }), 'LINEERR_INVALDEVICECLASS');
    assert.equal(media.winmm, undefined, 'a line without wave devices never loads winmm');
    const call = await connected();
    await call.play({ pcm: new Int16Array(160), sampleRate: 8000 });
    const declared = Object.keys(media.winmm!).filter((k) => typeof media.winmm![k] === 'function');
    assert.deepEqual(declared.sort(), WINMM_PROTOTYPES.map((p) => p.name).sort());
  });

  const offWindows = process.platform === 'win32' ? it.skip : it;
  offWindows(
    'off Windows without winmmPath (win32 only: winmm.dll is the default there): LINEERR_NODRIVER naming winmmPath',
    async function () {
      const other = await openTapi({ ...win32Media.tapiOptions(), winmmPath: undefined });
      try {
        const line = await other.openLine(0, { privileges: ['owner'] });
        const call = await line.makeCall('5550100');
        await call.waitFor(['connected'], 10_000);
        const error = await rejectsWith(call.play({ pcm: new Int16Array(160), sampleRate: 8000 }), 'LINEERR_NODRIVER', 'waveOutOpen');
        assert.match(error.message, /winmmPath/);
      } finally {
        await other.shutdown();
      }
    },
  );
});
