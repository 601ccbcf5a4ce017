// The receive side's small jitter buffer: packets are placed by RTP timestamp and played out one 20 ms frame per
// pacer tick, `prefetch` frames behind the first packet heard, so reordering and jitter up to that depth are
// absorbed. A frame nothing arrived for is silence (counted as concealed); a packet for audio already played is
// late and dropped; a jump far ahead (or three late packets in a row: the far end restarted its clock) resyncs.
import { tsDiff } from './rtp';

export interface PlayoutOptions {
  frameSamples?: number;
  prefetch?: number;
  /** Most frames held ahead of the playout point before it resyncs. */
  maxFrames?: number;
}

interface Held {
  timestamp: number;
  pcm: Int16Array;
}

export class PlayoutBuffer {
  readonly frameSamples: number;
  private readonly prefetch: number;
  private readonly maxFrames: number;
  private synced = false;
  private ssrc = 0;
  private playTs = 0;
  private held: Held[] = [];
  private lateRun = 0;
  late = 0;
  duplicates = 0;
  concealed = 0;
  resyncs = 0;

  constructor(options: PlayoutOptions = {}) {
    this.frameSamples = options.frameSamples ?? 160;
    this.prefetch = options.prefetch ?? 2;
    this.maxFrames = options.maxFrames ?? 12;
  }

  private resync(timestamp: number): void {
    this.playTs = (timestamp - this.prefetch * this.frameSamples) >>> 0;
    this.held = this.held.filter((h) => tsDiff(h.timestamp, this.playTs) >= 0);
    this.lateRun = 0;
  }

  push(ssrc: number, timestamp: number, pcm: Int16Array): void {
    if (!this.synced || ssrc !== this.ssrc) {
      if (this.synced) this.resyncs++;
      this.synced = true;
      this.ssrc = ssrc;
      this.held = [];
      this.resync(timestamp);
    }
    const ahead = tsDiff(timestamp, this.playTs);
    if (ahead + pcm.length <= 0) {
      this.late++;
      if (++this.lateRun < 3) return;
      this.resyncs++;
      this.resync(timestamp);
    } else if (ahead > this.maxFrames * this.frameSamples) {
      this.resyncs++;
      this.resync(timestamp);
    } else {
      this.lateRun = 0;
    }
    let i = this.held.length;
    while (i > 0 && tsDiff(this.held[i - 1].timestamp, timestamp) > 0) i--;
    if (i > 0 && this.held[i - 1].timestamp === timestamp) {
      this.duplicates++;
      return;
    }
    this.held.splice(i, 0, { timestamp, pcm });
    if (this.held.length > this.maxFrames * 2) this.held.shift();
  }

  /** The next frame to play (silence before the first packet and where nothing arrived). */
  pull(): Int16Array {
    const n = this.frameSamples;
    const out = new Int16Array(n);
    if (!this.synced) return out;
    let filled = false;
    const keep: Held[] = [];
    for (const h of this.held) {
      const off = tsDiff(h.timestamp, this.playTs);
      const from = Math.max(0, -off);
      const to = Math.min(h.pcm.length, n - off);
      if (to > from) {
        out.set(h.pcm.subarray(from, to), off + from);
        filled = true;
      }
      if (off + h.pcm.length > n) keep.push(h);
    }
    this.held = keep;
    this.playTs = (this.playTs + n) >>> 0;
    if (!filled) this.concealed++;
    return out;
  }

  /** Frames held ahead of the playout point. */
  get depth(): number {
    return this.held.length;
  }
}
