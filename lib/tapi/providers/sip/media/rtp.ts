// RTP packets (RFC 3550 §5.1): version 2, CSRC list, header extension, padding. parseRtp never throws: a
// packet from the network that is not valid RTP comes back as a reason to count, never as an exception.

export const RTP_HEADER_BYTES = 12;
/** Larger payloads are refused: 500 ms of G.711 is already far beyond what a phone sends in one packet. */
export const MAX_RTP_PAYLOAD = 4000;

export interface RtpPacket {
  padding: boolean;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  extension?: { profile: number; data: Buffer };
  payload: Buffer;
}

export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; reason: string };

export function parseRtp(data: Buffer): RtpParseResult {
  if (!Buffer.isBuffer(data) || data.length < RTP_HEADER_BYTES) return { ok: false, reason: 'short' };
  const b0 = data[0];
  const b1 = data[1];
  if (b0 >> 6 !== 2) return { ok: false, reason: 'version' };
  // RTCP multiplexed on the RTP port (RFC 5761 §4): packet types 192-223 land in these second bytes.
  if (b1 >= 192 && b1 <= 223) return { ok: false, reason: 'rtcp' };
  const padding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + csrcCount * 4;
  if (offset > data.length) return { ok: false, reason: 'csrc' };
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrc.push(data.readUInt32BE(RTP_HEADER_BYTES + i * 4));
  let extension: RtpPacket['extension'];
  if (hasExtension) {
    if (offset + 4 > data.length) return { ok: false, reason: 'extension' };
    const profile = data.readUInt16BE(offset);
    const words = data.readUInt16BE(offset + 2);
    const end = offset + 4 + words * 4;
    if (end > data.length) return { ok: false, reason: 'extension' };
    extension = { profile, data: Buffer.from(data.subarray(offset + 4, end)) };
    offset = end;
  }
  let end = data.length;
  if (padding) {
    const count = data[data.length - 1];
    if (count === 0 || offset + count > data.length) return { ok: false, reason: 'padding' };
    end -= count;
  }
  if (end - offset > MAX_RTP_PAYLOAD) return { ok: false, reason: 'oversize' };
  return {
    ok: true,
    packet: {
      padding,
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequence: data.readUInt16BE(2),
      timestamp: data.readUInt32BE(4),
      ssrc: data.readUInt32BE(8),
      csrc,
      extension,
      payload: Buffer.from(data.subarray(offset, end)),
    },
  };
}

/** Serialises a packet (no padding is added: `padding` is ignored on output). */
export function serializeRtp(packet: Omit<RtpPacket, 'padding' | 'csrc'> & { csrc?: number[] }): Buffer {
  const csrc = packet.csrc ?? [];
  if (csrc.length > 15) throw new RangeError('at most 15 CSRC');
  const ext = packet.extension;
  if (ext && ext.data.length % 4 !== 0) throw new RangeError('RTP extension data must be a multiple of 4 bytes');
  const extBytes = ext ? 4 + ext.data.length : 0;
  const out = Buffer.alloc(RTP_HEADER_BYTES + csrc.length * 4 + extBytes + packet.payload.length);
  out[0] = 0x80 | (ext ? 0x10 : 0) | csrc.length;
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out.writeUInt16BE(packet.sequence & 0xffff, 2);
  out.writeUInt32BE(packet.timestamp >>> 0, 4);
  out.writeUInt32BE(packet.ssrc >>> 0, 8);
  let at = RTP_HEADER_BYTES;
  for (const c of csrc) {
    out.writeUInt32BE(c >>> 0, at);
    at += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, at);
    out.writeUInt16BE(ext.data.length / 4, at + 2);
    ext.data.copy(out, at + 4);
    at += extBytes;
  }
  packet.payload.copy(out, at);
  return out;
}

/** a - b for 16-bit sequence numbers, in [-32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

/** a - b for 32-bit timestamps, as a signed 32-bit number. */
export function tsDiff(a: number, b: number): number {
  return ((a - b) | 0) as number;
}

/**
 * What one source sent: extended highest sequence, packets received, duplicates (RFC 3550 A.1/A.3 reduced to what
 * the stats need). A jump of more than MAX_DROPOUT resets the count (a restarted sender).
 */
export class SequenceTracker {
  static readonly MAX_DROPOUT = 3000;
  private base = -1;
  private highest = 0; // extended
  private received = 0;
  private lostBefore = 0;
  private recent = new Set<number>();
  private recentOrder: number[] = [];

  /** Records a packet; false when it is a duplicate (seen among the recent ones). */
  record(sequence: number): boolean {
    if (this.base < 0) {
      this.base = sequence;
      this.highest = sequence;
      this.received = 1;
      this.remember(sequence);
      return true;
    }
    if (this.recent.has(sequence)) return false;
    const d = seqDiff(sequence, this.highest & 0xffff);
    if (d > SequenceTracker.MAX_DROPOUT || d < -SequenceTracker.MAX_DROPOUT) {
      this.lostBefore = this.lost;
      this.base = sequence;
      this.highest = sequence;
      this.received = 1;
      this.recent.clear();
      this.recentOrder = [];
      this.remember(sequence);
      return true;
    }
    if (d > 0) this.highest += d;
    this.received++;
    this.remember(sequence);
    return true;
  }

  /** Expected minus received, never below 0 (late packets can make it shrink again). */
  get lost(): number {
    if (this.base < 0) return this.lostBefore;
    return this.lostBefore + Math.max(0, this.highest - this.base + 1 - this.received);
  }

  private remember(sequence: number): void {
    this.recent.add(sequence);
    this.recentOrder.push(sequence);
    if (this.recentOrder.length > 128) this.recent.delete(this.recentOrder.shift() as number);
  }
}
