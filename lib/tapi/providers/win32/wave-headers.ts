// WAVEHDRs and their data in native memory (tapi-reference.md §15.3): winmm's device thread reads lpData and
// writes dwFlags / dwBytesRecorded after the call that handed the header over has returned, so both stay in
// koffi.alloc memory (NativeMemory, counted) from prepare until WHDR_DONE and unprepare. The header is laid out
// for koffi's pointer size: 48 bytes on x64, 32 on x86.
import type { NativeMemory } from './memory';
import type { Winmm } from './winmm';

export interface WaveBuffer {
  hdr: bigint;
  data: bigint;
  bytes: number;
}

export class WaveHeaders {
  constructor(
    private readonly winmm: Winmm,
    private readonly memory: NativeMemory,
  ) {}

  /** A zeroed header whose lpData points at `bytes` bytes (filled from `content` when given); dwFlags 0. */
  allocate(bytes: number, content?: Uint8Array): WaveBuffer {
    const L = this.winmm.header;
    const data = content ? this.memory.copy(content) : this.memory.alloc(bytes);
    const hdr = this.memory.alloc(L.size);
    const view = this.view(hdr);
    if (this.winmm.pointerSize === 8) view.setBigUint64(L.lpData, data, true);
    else view.setUint32(L.lpData, Number(data), true);
    view.setUint32(L.dwBufferLength, bytes, true);
    return { hdr, data, bytes };
  }

  /** WHDR_* of the header, as the device thread last wrote them. */
  flags(buffer: WaveBuffer): number {
    return this.view(buffer.hdr).getUint32(this.winmm.header.dwFlags, true);
  }

  /** A copy of the bytes an input device recorded into the buffer. */
  recorded(buffer: WaveBuffer): Uint8Array {
    const n = Math.min(this.view(buffer.hdr).getUint32(this.winmm.header.dwBytesRecorded, true), buffer.bytes);
    return new Uint8Array(this.memory.view(buffer.data, buffer.bytes).slice(0, n));
  }

  free(buffer: WaveBuffer): void {
    this.memory.free(buffer.hdr);
    this.memory.free(buffer.data);
  }

  private view(hdr: bigint): DataView {
    return new DataView(this.memory.view(hdr, this.winmm.header.size));
  }
}
