// The call's audio in over winmm (tapi-reference.md §15.5 step 7): a few prepared 20 ms WAVEHDRs in native memory
// are added, waveInStart, and a timer polls WHDR_DONE (CALLBACK_NULL): each filled buffer's dwBytesRecorded bytes
// are decoded to 16-bit PCM, handed on in order, and the buffer is added again. close() = waveInReset (every
// pending buffer comes back DONE), unprepare, free, waveInClose. Idempotent.
import { decodeFrame } from '../../audio';
import type { AudioFormat, AudioIn } from '../../media';
import type { NativeMemory } from './memory';
import { chooseFormat, openDevice } from './wave-format';
import { WaveHeaders, type WaveBuffer } from './wave-headers';
import { POLL_MS } from './wave-out';
import { WAVE, waveError, type Winmm } from './winmm';

const FRAME_MS = 20;
/** Buffers kept added: 80 ms of room, so a late poll does not make the device drop samples. */
const BUFFERS = 4;

export class WaveIn implements AudioIn {
  readonly format: AudioFormat;
  readonly sampleRate: number;
  private readonly handle: bigint;
  private readonly headers: WaveHeaders;
  /** In the order they were added (and are filled). */
  private buffers: WaveBuffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly winmm: Winmm,
    memory: NativeMemory,
    readonly deviceId: number,
    private readonly onClosed: (device: WaveIn) => void,
  ) {
    const { format, wfx } = chooseFormat(winmm, 'in', deviceId);
    this.format = format;
    this.sampleRate = format.sampleRate;
    this.handle = openDevice(winmm, memory, 'in', deviceId, wfx);
    this.headers = new WaveHeaders(winmm, memory);
  }

  start(onFrame: (pcm: Int16Array) => void): void {
    if (this.closed || this.timer) return;
    try {
      this.begin(onFrame);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private begin(onFrame: (pcm: Int16Array) => void): void {
    const block = this.format.encoding === 'pcm16' ? 2 : 1;
    const bytes = Math.round((this.sampleRate * FRAME_MS) / 1000) * block;
    const size = this.winmm.header.size;
    for (let i = 0; i < BUFFERS; i++) {
      const buffer = this.headers.allocate(bytes);
      const prepared = this.winmm.waveInPrepareHeader(this.handle, buffer.hdr, size) >>> 0;
      if (prepared !== 0) {
        this.headers.free(buffer);
        throw waveError(prepared, 'waveInPrepareHeader');
      }
      this.buffers.push(buffer);
      this.add(buffer);
    }
    const started = this.winmm.waveInStart(this.handle) >>> 0;
    if (started !== 0) throw waveError(started, 'waveInStart');
    this.timer = setInterval(() => this.poll(onFrame), POLL_MS);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.winmm.waveInReset(this.handle);
    const size = this.winmm.header.size;
    // A buffer winmm would not unprepare is never freed (its device thread may still write it).
    this.buffers = this.buffers.filter((b) => {
      if (this.winmm.waveInUnprepareHeader(this.handle, b.hdr, size) >>> 0 !== 0) return true;
      this.headers.free(b);
      return false;
    });
    this.winmm.waveInClose(this.handle);
    this.onClosed(this);
  }

  private add(buffer: WaveBuffer): void {
    const rc = this.winmm.waveInAddBuffer(this.handle, buffer.hdr, this.winmm.header.size) >>> 0;
    if (rc !== 0) throw waveError(rc, 'waveInAddBuffer');
  }

  private poll(onFrame: (pcm: Int16Array) => void): void {
    while (!this.closed && this.buffers.length && this.headers.flags(this.buffers[0]) & WAVE.WHDR_DONE) {
      const buffer = this.buffers.shift()!;
      const pcm = decodeFrame(this.headers.recorded(buffer), this.format.encoding);
      this.buffers.push(buffer);
      try {
        this.add(buffer);
      } catch {
        // The device refused it back: the frames already recorded still count; the recording ends on its own terms.
      }
      onFrame(pcm);
    }
  }
}
