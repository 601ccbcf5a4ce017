// winmm's structures for the call's audio (tapi-reference.md §15.2, §15.3): WAVEFORMATEX (18 bytes, pack(1), the
// same on x86 and x64) and WAVEHDR (48 bytes on x64, 32 on x86: pointer-sized lpData, dwUser, lpNext, reserved).
// Groundwork for the win32 media provider (lineGetIDW "wave/out" / "wave/in" + waveOut* / waveIn*), not wired yet.
import type * as Koffi from 'koffi';
import type { PointerSize } from './structs';

export const WAVEFORMATEX_LAYOUT = {
  wFormatTag: 0,
  nChannels: 2,
  nSamplesPerSec: 4,
  nAvgBytesPerSec: 8,
  nBlockAlign: 12,
  wBitsPerSample: 14,
  cbSize: 16,
  size: 18,
} as const;

export interface WaveHdrLayout {
  lpData: number;
  dwBufferLength: number;
  dwBytesRecorded: number;
  dwUser: number;
  dwFlags: number;
  dwLoops: number;
  lpNext: number;
  reserved: number;
  size: number;
}

export function waveHdrLayout(pointerSize: PointerSize): WaveHdrLayout {
  const p = pointerSize;
  // lpData | dwBufferLength | dwBytesRecorded | dwUser | dwFlags | dwLoops | lpNext | reserved
  return {
    lpData: 0,
    dwBufferLength: p,
    dwBytesRecorded: p + 4,
    dwUser: p + 8,
    dwFlags: 2 * p + 8,
    dwLoops: 2 * p + 12,
    lpNext: 2 * p + 16,
    reserved: 3 * p + 16,
    size: 4 * p + 16,
  };
}

/** koffi.pack types of both for the host's pointer size. */
export function waveTypes(koffi: typeof Koffi) {
  const WAVEFORMATEX = koffi.pack({
    wFormatTag: 'uint16_t',
    nChannels: 'uint16_t',
    nSamplesPerSec: 'uint32_t',
    nAvgBytesPerSec: 'uint32_t',
    nBlockAlign: 'uint16_t',
    wBitsPerSample: 'uint16_t',
    cbSize: 'uint16_t',
  });
  const WAVEHDR = koffi.pack({
    lpData: 'void *',
    dwBufferLength: 'uint32_t',
    dwBytesRecorded: 'uint32_t',
    dwUser: 'uintptr_t',
    dwFlags: 'uint32_t',
    dwLoops: 'uint32_t',
    lpNext: 'void *',
    reserved: 'uintptr_t',
  });
  return { WAVEFORMATEX, WAVEHDR };
}

/** WAVEFORMATEX bytes for 8 kHz mono: 16-bit PCM (tag 1) or 8-bit G.711 (µ-law 7, A-law 6). */
export function encodeWaveFormat(encoding: 'pcm16' | 'mulaw' | 'alaw', sampleRate = 8000): Buffer {
  const bits = encoding === 'pcm16' ? 16 : 8;
  const block = bits / 8;
  const L = WAVEFORMATEX_LAYOUT;
  const b = Buffer.alloc(L.size);
  b.writeUInt16LE(encoding === 'pcm16' ? 1 : encoding === 'mulaw' ? 7 : 6, L.wFormatTag);
  b.writeUInt16LE(1, L.nChannels);
  b.writeUInt32LE(sampleRate, L.nSamplesPerSec);
  b.writeUInt32LE(sampleRate * block, L.nAvgBytesPerSec);
  b.writeUInt16LE(block, L.nBlockAlign);
  b.writeUInt16LE(bits, L.wBitsPerSample);
  return b;
}
