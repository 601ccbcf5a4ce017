// winmm layouts and prototypes for the call's audio (tapi-reference.md §15), for both architectures whatever
// the host: WAVEFORMATEX 18 bytes pack(1), WAVEHDR 48 (x64) / 32 (x86), every export __stdcall with the x86
// stack bytes of §15.1, lineGetIDW @24.
import assert from 'node:assert/strict';
import * as W from '../lib/tapi/providers/win32/wave-structs';
import { LINE_GET_ID_PROTOTYPE, WINMM_PROTOTYPES, stackBytes } from '../lib/tapi/providers/win32/wave-bindings';
import { pointerSizeOf } from '../lib/tapi/providers/win32/structs';

const koffi = require('koffi') as typeof import('koffi');

describe('win32 wave structures and winmm prototypes (tapi-reference.md §15)', function () {
  it('WAVEFORMATEX: 18 bytes, fields at 0/2/4/8/12/14/16; koffi.pack agrees', function () {
    assert.deepEqual(W.WAVEFORMATEX_LAYOUT, {
      wFormatTag: 0,
      nChannels: 2,
      nSamplesPerSec: 4,
      nAvgBytesPerSec: 8,
      nBlockAlign: 12,
      wBitsPerSample: 14,
      cbSize: 16,
      size: 18,
    });
    const { WAVEFORMATEX } = W.waveTypes(koffi);
    assert.equal(koffi.sizeof(WAVEFORMATEX), 18);
    for (const [name, off] of Object.entries(W.WAVEFORMATEX_LAYOUT))
      if (name !== 'size') assert.equal(koffi.offsetof(WAVEFORMATEX, name), off, name);
  });

  it('WAVEHDR: 48 bytes on x64 (dwFlags at 24), 32 on x86 (dwFlags at 16); the host koffi.pack agrees', function () {
    assert.deepEqual(W.waveHdrLayout(8), {
      lpData: 0,
      dwBufferLength: 8,
      dwBytesRecorded: 12,
      dwUser: 16,
      dwFlags: 24,
      dwLoops: 28,
      lpNext: 32,
      reserved: 40,
      size: 48,
    });
    assert.deepEqual(W.waveHdrLayout(4), {
      lpData: 0,
      dwBufferLength: 4,
      dwBytesRecorded: 8,
      dwUser: 12,
      dwFlags: 16,
      dwLoops: 20,
      lpNext: 24,
      reserved: 28,
      size: 32,
    });
    const host = W.waveHdrLayout(pointerSizeOf(koffi));
    const { WAVEHDR } = W.waveTypes(koffi);
    assert.equal(koffi.sizeof(WAVEHDR), host.size);
    for (const [name, off] of Object.entries(host)) if (name !== 'size') assert.equal(koffi.offsetof(WAVEHDR, name), off, name);
  });

  it('the offered formats: 8 kHz 16-bit PCM (16000 B/s, block 2), then µ-law (tag 7) and A-law (tag 6), 8000 B/s', function () {
    const pcm = W.encodeWaveFormat('pcm16');
    assert.deepEqual(
      [
        pcm.readUInt16LE(0),
        pcm.readUInt16LE(2),
        pcm.readUInt32LE(4),
        pcm.readUInt32LE(8),
        pcm.readUInt16LE(12),
        pcm.readUInt16LE(14),
        pcm.readUInt16LE(16),
      ],
      [1, 1, 8000, 16000, 2, 16, 0],
    );
    const mu = W.encodeWaveFormat('mulaw');
    assert.deepEqual([mu.readUInt16LE(0), mu.readUInt32LE(8), mu.readUInt16LE(12), mu.readUInt16LE(14)], [7, 8000, 1, 8]);
    assert.equal(W.encodeWaveFormat('alaw').readUInt16LE(0), 6);
  });

  it('every winmm export and lineGetIDW is __stdcall, with the x86 stack bytes of the reference', function () {
    const expected: Record<string, number> = {
      waveOutOpen: 24,
      waveOutPrepareHeader: 12,
      waveOutWrite: 12,
      waveOutUnprepareHeader: 12,
      waveOutReset: 4,
      waveOutClose: 4,
      waveInOpen: 24,
      waveInPrepareHeader: 12,
      waveInAddBuffer: 12,
      waveInUnprepareHeader: 12,
      waveInStart: 4,
      waveInReset: 4,
      waveInClose: 4,
    };
    assert.deepEqual(WINMM_PROTOTYPES.map((p) => p.name).sort(), Object.keys(expected).sort());
    for (const p of [...WINMM_PROTOTYPES, LINE_GET_ID_PROTOTYPE]) assert.equal(p.convention, '__stdcall', p.name);
    for (const p of WINMM_PROTOTYPES) assert.equal(stackBytes(p), expected[p.name], p.name);
    assert.equal(stackBytes(LINE_GET_ID_PROTOTYPE), 24);
  });
});
