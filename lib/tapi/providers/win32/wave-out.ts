// The call's audio out over winmm (tapi-reference.md §15.5 steps 3-6): each frame becomes one prepared WAVEHDR in
// native memory, written with waveOutWrite; a timer at half the frame pace polls WHDR_DONE (CALLBACK_NULL: no winmm
// callback, no libuv worker held), then unprepares and frees it. reset() is waveOutReset at once (barge-in): every
// queued buffer comes back DONE and its write resolves false. close() resets, waits for nothing and closes.
import { encodeFrame } from '../../audio';
import type { AudioFormat, AudioOut } from '../../media';
import type { NativeMemory } from './memory';
import { chooseFormat, openDevice } from './wave-format';
import { WaveHeaders, type WaveBuffer } from './wave-headers';
import { WAVE, waveError, type Winmm } from './winmm';

/** WHDR_DONE is polled this often while buffers are queued (frames are 20 ms). */
export const POLL_MS = 10;

interface Queued {
  buffer: WaveBuffer;
  resolve: (played: boolean) => void;
}

export class WaveOut implements AudioOut {
  readonly format: AudioFormat;
  readonly sampleRate: number;
  private readonly handle: bigint;
  private readonly headers: WaveHeaders;
  private queue: Queued[] = [];
  /** Buffers winmm would not unprepare (never freed while winmm may still touch them); retried at close. */
  private stranded: WaveBuffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly winmm: Winmm,
    memory: NativeMemory,
    readonly deviceId: number,
    private readonly onClosed: (device: WaveOut) => void,
  ) {
    const { format, wfx } = chooseFormat(winmm, 'out', deviceId);
    this.format = format;
    this.sampleRate = format.sampleRate;
    this.handle = openDevice(winmm, memory, 'out', deviceId, wfx);
    this.headers = new WaveHeaders(winmm, memory);
  }

  write(pcm: Int16Array): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const bytes = encodeFrame(pcm, this.format.encoding);
    if (bytes.length === 0) return Promise.resolve(true);
    const size = this.winmm.header.size;
    const buffer = this.headers.allocate(bytes.length, bytes);
    const prepared = this.winmm.waveOutPrepareHeader(this.handle, buffer.hdr, size) >>> 0;
    if (prepared !== 0) {
      this.headers.free(buffer);
      return Promise.reject(waveError(prepared, 'waveOutPrepareHeader'));
    }
    const written = this.winmm.waveOutWrite(this.handle, buffer.hdr, size) >>> 0;
    if (written !== 0) {
      this.release(buffer);
      return Promise.reject(waveError(written, 'waveOutWrite'));
    }
    return new Promise<boolean>((resolve) => {
      this.queue.push({ buffer, resolve });
      this.timer ??= setInterval(() => this.poll(), POLL_MS);
    });
  }

  /** Never throws (it runs from digit and hang-up handlers): if winmm refuses the reset, its buffers are kept, not freed. */
  reset(): void {
    if (this.closed) return;
    const rc = this.winmm.waveOutReset(this.handle) >>> 0;
    const was = this.queue;
    this.queue = [];
    this.stopTimer();
    for (const q of was) {
      if (rc === 0) this.release(q.buffer);
      else if (!this.stranded.includes(q.buffer)) this.stranded.push(q.buffer);
      q.resolve(false);
    }
  }

  close(): void {
    if (this.closed) return;
    this.reset();
    this.closed = true;
    this.stranded = this.stranded.filter((b) => !this.release(b));
    // Closing fails (STILLPLAYING) only while buffers are queued: reset() has returned them all.
    this.winmm.waveOutClose(this.handle);
    this.onClosed(this);
  }

  /** Frames played to the end resolve true, in order. */
  private poll(): void {
    while (this.queue.length && this.headers.flags(this.queue[0].buffer) & WAVE.WHDR_DONE) {
      const q = this.queue.shift()!;
      this.release(q.buffer);
      q.resolve(true);
    }
    if (!this.queue.length) this.stopTimer();
  }

  /** Unprepare and free; true when done. A header winmm still holds is kept (stranded), never freed. */
  private release(buffer: WaveBuffer): boolean {
    const rc = this.winmm.waveOutUnprepareHeader(this.handle, buffer.hdr, this.winmm.header.size) >>> 0;
    if (rc !== 0) {
      if (!this.stranded.includes(buffer)) this.stranded.push(buffer);
      return false;
    }
    this.headers.free(buffer);
    return true;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
