// One call's media: a UDP socket, SDP offer/answer for one G.711 audio stream, RTP out on a 20 ms pacer, a small
// playout buffer in, RFC 4733 digits both ways, and the media seam (AudioOut / AudioIn of lib/tapi/media.ts).
//
// Against the plan (sip-plan.md) — the names are kept; refinements:
// - open() options add `advertiseAddress` (the address written into SDP when bindAddress is 0.0.0.0 / ::),
//   `latchAnySource` (NAT: latch onto any source, not only a port change of the SDP's address) and
//   `telephoneEvent: false` (offer no telephone-event).
// - `stats` is a getter returning a snapshot with more counters than the four of the plan (they are kept).
// - acceptAnswer() throws SdpError(488) when the answer names no codec we offered, SdpError(400) for non-SDP.
// - sendDigits() rejects (Error) when the far end has no telephone-event or does not receive, or on close().
// - extra read-only state: localPort, localAddress, codec, localDirection, remoteDirection, remoteHold,
//   remoteTarget (where RTP goes now), pacing (ticks, skipped, max lateness), isClosed; option jitterFrames.
// - close() is synchronous (the socket closes at once); open() rejects TypeError / RangeError for bad options.
//
// Choices: while sending is allowed, a slot with nothing queued carries a silence frame (so a symmetric-RTP far
// end (Asterisk comedia, SBCs) learns our address, NAT bindings stay open and RTP timeouts do not fire). Frames
// written while sending is not allowed (hold, inactive, no answer yet) are consumed at the pace all the same and
// resolve true: the prompt "plays" into a held line rather than stalling. No RTCP is sent; RTCP multiplexed on
// the RTP port is dropped (counted as 'rtcp').
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as os from 'node:os';
import { randomInt } from 'node:crypto';
import type { AudioFormat, AudioIn, AudioOut } from '../../../media';
import type { SipClock } from '../core/types';
import { realClock } from './clock';
import { decodeG711, encodeG711, silenceFrame } from './g711';
import { Pacer } from './pacer';
import { PlayoutBuffer } from './playout';
import { parseRtp, serializeRtp, SequenceTracker, type RtpPacket } from './rtp';
import {
  answerOffer,
  buildOffer,
  DEFAULT_TELEPHONE_EVENT,
  PTIME_MS,
  readAnswer,
  receives,
  sends,
  STATIC_PAYLOAD,
  type CodecName,
  type LocalAudio,
  type MediaDirection,
  type Negotiated,
} from './sdp';
import { encodeEvent, EventReceiver, eventOf } from './telephone-event';

export const RTP_RATE = 8000;
export const FRAME_SAMPLES = (RTP_RATE * PTIME_MS) / 1000;
/** Most frames played out in one tick after a stall (1 s); a longer stall loses the rest. */
const MAX_PLAYOUT_CATCH_UP = 50;

export interface RtpSessionOptions {
  /** Address the socket binds to (an IP literal; 0.0.0.0 or :: for all). */
  bindAddress: string;
  /** Inclusive range; an even port is taken from it. Without it the system picks the port. */
  portRange?: [number, number];
  /** In order of preference; default PCMU, PCMA. */
  codecs?: CodecName[];
  /** Payload type offered for telephone-event (default 101); false offers none. */
  telephoneEvent?: number | false;
  clock?: SipClock;
  advertiseAddress?: string;
  latchAnySource?: boolean;
  /** Frames of playout delay on receive (default 2 = 40 ms). */
  jitterFrames?: number;
}

export interface RtpStats {
  /** RTP packets sent (audio, silence and events). */
  sent: number;
  /** RTP packets accepted from the far end. */
  received: number;
  /** Datagrams dropped: not RTP, from a foreign source, duplicates, unknown payload types. */
  dropped: number;
  /** Packets the far end sent that never came (RFC 3550 expected - received). */
  lost: number;
  dropReasons: Record<string, number>;
  latched: number;
  late: number;
  concealed: number;
  digitsSent: number;
  digitsReceived: number;
  skippedTicks: number;
  sendErrors: number;
  framesSuppressed: number;
}

interface QueuedFrame {
  owner: object;
  pcm: Int16Array;
  offset: number;
  resolve: (sent: boolean) => void;
}

interface DigitJob {
  events: number[];
  units: number;
  gapTicks: number;
  resolve: () => void;
  reject: (error: Error) => void;
  // progress of the current digit
  index: number;
  timestamp?: number;
  updates: number;
  ends: number;
  gap: number;
}

interface Endpoint {
  address: string;
  port: number;
}

function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function firstExternalIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return '127.0.0.1';
}

function bindSocket(type: 'udp4' | 'udp6', address: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type, reuseAddr: false });
    const onError = () => {
      socket.close();
      resolve(undefined);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export class RtpSession {
  /** Each digit the far end sends by RFC 4733, once. */
  onDigit: (digit: string, source: 'rfc4733') => void = () => undefined;

  private readonly clock: SipClock;
  private readonly codecs: CodecName[];
  private readonly localTe: number | undefined;
  private readonly pacer: Pacer;
  private readonly playout: PlayoutBuffer;
  private readonly events = new EventReceiver();
  private readonly ssrc = randomInt(0, 0x100000000);
  private readonly tsBase = randomInt(0, 0x100000000);
  private seq = randomInt(0, 0x10000);
  private readonly sessionId = String(randomInt(1, 2 ** 40));
  private sessionVersion = 0;
  private wanted: MediaDirection = 'sendrecv';
  private negotiated: Negotiated | undefined;
  private sdpTarget: Endpoint | undefined;
  private latchedTarget: Endpoint | undefined;
  private firstSent = false;
  private lastTick = -1;
  private queue: QueuedFrame[] = [];
  private listeners = new Set<(pcm: Int16Array) => void>();
  private digitJobs: DigitJob[] = [];
  private trackers = new Map<number, SequenceTracker>();
  private lostOfOld = 0;
  private closed = false;
  private readonly counters = {
    sent: 0,
    received: 0,
    dropped: 0,
    latched: 0,
    digitsSent: 0,
    digitsReceived: 0,
    sendErrors: 0,
    framesSuppressed: 0,
  };
  private readonly dropReasons: Record<string, number> = {};

  private constructor(
    private readonly socket: dgram.Socket,
    readonly localAddress: string,
    readonly localPort: number,
    private readonly options: RtpSessionOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.codecs = options.codecs && options.codecs.length ? [...options.codecs] : ['PCMU', 'PCMA'];
    this.localTe = options.telephoneEvent === false ? undefined : (options.telephoneEvent ?? DEFAULT_TELEPHONE_EVENT);
    this.playout = new PlayoutBuffer({ frameSamples: FRAME_SAMPLES, prefetch: options.jitterFrames ?? 2 });
    this.pacer = new Pacer({ clock: this.clock, intervalMs: PTIME_MS, maxBurst: 3, onTick: (t) => this.tick(t) });
    socket.on('message', (msg, rinfo) => {
      try {
        this.onDatagram(msg, rinfo.address, rinfo.port);
      } catch {
        this.drop('handler');
      }
    });
    socket.on('error', () => this.counters.sendErrors++);
    this.pacer.begin();
  }

  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    const bind = options.bindAddress;
    if (!net.isIP(bind)) throw new TypeError(`RtpSession: bindAddress must be an IP address, not ${JSON.stringify(bind)}`);
    for (const c of options.codecs ?? []) if (c !== 'PCMU' && c !== 'PCMA') throw new TypeError(`RtpSession: unknown codec ${c}`);
    const te = options.telephoneEvent;
    if (te !== undefined && te !== false && !(Number.isInteger(te) && te >= 96 && te <= 127))
      throw new TypeError('RtpSession: telephoneEvent must be a dynamic payload type 96-127');
    const type = net.isIPv6(bind) ? 'udp6' : 'udp4';
    let socket: dgram.Socket | undefined;
    if (options.portRange) {
      const [lo, hi] = options.portRange;
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1024 || hi > 65535 || hi < lo)
        throw new RangeError('RtpSession: portRange must be [low, high] within 1024-65535');
      const first = lo + (lo % 2);
      const count = Math.floor((hi - first) / 2) + 1;
      if (count < 1) throw new RangeError('RtpSession: portRange holds no even port');
      const start = randomInt(0, count);
      for (let i = 0; i < Math.min(count, 64) && !socket; i++) {
        socket = await bindSocket(type, bind, first + ((start + i) % count) * 2);
      }
      if (!socket) throw new Error(`RtpSession: no free even port in ${lo}-${hi}`);
    } else {
      socket = await bindSocket(type, bind, 0);
      if (!socket) throw new Error(`RtpSession: cannot bind ${bind}`);
    }
    const advertise = options.advertiseAddress ?? (isUnspecified(bind) ? firstExternalIPv4() : bind);
    return new RtpSession(socket, advertise, socket.address().port, options);
  }

  // ---- SDP ----

  private local(bump = true): LocalAudio {
    return {
      address: this.localAddress,
      port: this.localPort,
      codecs: this.codecs,
      telephoneEvent: this.localTe,
      direction: this.wanted,
      sessionId: this.sessionId,
      sessionVersion: bump ? this.sessionVersion++ : this.sessionVersion,
    };
  }

  createOffer(): string {
    return buildOffer(this.local());
  }

  acceptOffer(remoteSdp: string): string {
    const { answer, negotiated } = answerOffer(remoteSdp, this.local());
    this.apply(negotiated);
    return answer;
  }

  acceptAnswer(remoteSdp: string): void {
    this.apply(readAnswer(remoteSdp, this.local(false)));
  }

  /** Changes what this side does (hold: 'sendonly'); returns the offer to send in a re-INVITE / UPDATE. */
  setDirection(direction: MediaDirection): string {
    if (!['sendrecv', 'sendonly', 'recvonly', 'inactive'].includes(direction)) throw new TypeError(`unknown direction ${direction}`);
    this.wanted = direction;
    return this.createOffer();
  }

  private apply(n: Negotiated): void {
    this.negotiated = n;
    const family = net.isIPv6(this.options.bindAddress) ? 6 : 4;
    const usable = n.remoteAddress !== undefined && net.isIP(n.remoteAddress) === family && n.remotePort > 0;
    const target = usable ? { address: plainAddress(n.remoteAddress as string), port: n.remotePort } : undefined;
    if (!target || !this.sdpTarget || target.address !== this.sdpTarget.address || target.port !== this.sdpTarget.port) {
      this.latchedTarget = undefined;
    }
    this.sdpTarget = target;
  }

  get codec(): CodecName {
    return this.negotiated?.codec ?? this.codecs[0];
  }

  get localDirection(): MediaDirection {
    return this.negotiated ? this.negotiated.localDirection : this.wanted;
  }

  get remoteDirection(): MediaDirection | undefined {
    return this.negotiated?.remoteDirection;
  }

  /** The far end holds us (its SDP says sendonly / inactive, or c=0.0.0.0). */
  get remoteHold(): boolean {
    const d = this.negotiated?.remoteDirection;
    return d === 'sendonly' || d === 'inactive';
  }

  get remoteTarget(): Endpoint | undefined {
    const t = this.latchedTarget ?? this.sdpTarget;
    return t ? { ...t } : undefined;
  }

  private canSend(): boolean {
    const n = this.negotiated;
    if (!n || this.closed) return false;
    return sends(this.wanted) && sends(n.localDirection) && receives(n.remoteDirection) && this.remoteTarget !== undefined;
  }

  // ---- receive ----

  private drop(reason: string): void {
    this.counters.dropped++;
    this.dropReasons[reason] = (this.dropReasons[reason] ?? 0) + 1;
  }

  private onDatagram(msg: Buffer, fromAddress: string, fromPort: number): void {
    if (this.closed) return;
    const parsed = parseRtp(msg);
    if (!parsed.ok) return this.drop(parsed.reason);
    const from = plainAddress(fromAddress);
    if (!this.acceptSource(from, fromPort)) return this.drop('source');
    const p = parsed.packet;
    let tracker = this.trackers.get(p.ssrc);
    if (!tracker) {
      if (this.trackers.size >= 4) {
        for (const t of this.trackers.values()) this.lostOfOld += t.lost;
        this.trackers.clear();
      }
      tracker = new SequenceTracker();
      this.trackers.set(p.ssrc, tracker);
    }
    if (!tracker.record(p.sequence)) return this.drop('duplicate');
    this.counters.received++;
    this.onPacket(p);
  }

  /** Symmetric RTP (RFC 4961 style): the far end's packets come from where it wants ours. */
  private acceptSource(address: string, port: number): boolean {
    const expected = this.latchedTarget ?? this.sdpTarget;
    if (!this.negotiated) return true; // an offer is out: media may come before the answer
    if (expected && address === expected.address) {
      if (port !== expected.port) this.latch(address, port);
      return true;
    }
    if ((!this.sdpTarget || this.options.latchAnySource) && !this.latchedTarget) {
      this.latch(address, port);
      return true;
    }
    return false;
  }

  private latch(address: string, port: number): void {
    this.latchedTarget = { address, port };
    this.counters.latched++;
  }

  private codecOfPayload(pt: number): CodecName | 'event' | undefined {
    const n = this.negotiated;
    if (pt === this.localTe || (n && pt === n.telephoneEvent)) return 'event';
    if (n && pt === n.payloadType) return n.codec;
    if (pt === STATIC_PAYLOAD.PCMU) return 'PCMU';
    if (pt === STATIC_PAYLOAD.PCMA) return 'PCMA';
    return undefined;
  }

  private onPacket(p: RtpPacket): void {
    const kind = this.codecOfPayload(p.payloadType);
    if (kind === undefined) return this.drop('payload-type');
    if (kind === 'event') {
      const digit = this.events.accept(p.ssrc, p.timestamp, p.payload);
      if (digit !== undefined) {
        this.counters.digitsReceived++;
        try {
          this.onDigit(digit, 'rfc4733');
        } catch {
          // the listener's problem, not the socket's
        }
      }
      return;
    }
    if (p.payload.length === 0) return;
    this.playout.push(p.ssrc, p.timestamp, decodeG711(kind, p.payload));
  }

  // ---- send ----

  private timestampOf(tick: number): number {
    return (this.tsBase + tick * FRAME_SAMPLES) >>> 0;
  }

  private sendPacket(payloadType: number, timestamp: number, payload: Buffer, marker: boolean): void {
    const target = this.remoteTarget;
    if (!target) return;
    const data = serializeRtp({ marker, payloadType, sequence: this.seq, timestamp, ssrc: this.ssrc, payload });
    this.seq = (this.seq + 1) & 0xffff;
    this.counters.sent++;
    this.socket.send(data, target.port, target.address, (error) => {
      if (error) this.counters.sendErrors++;
    });
  }

  private tick(tick: number): void {
    if (this.closed) return;
    // Ticks the pacer skipped after a stall are not sent, but their frames are played out (in one go): a
    // recording keeps its length and the playout point stays with the far end's timestamps.
    const frames = Math.min(MAX_PLAYOUT_CATCH_UP, Math.max(1, tick - this.lastTick));
    this.lastTick = tick;
    for (let i = 0; i < frames && !this.closed; i++) {
      const frame = this.playout.pull();
      for (const l of [...this.listeners]) {
        try {
          l(frame);
        } catch {
          // a recorder's failure must not stop the call's clock
        }
      }
    }
    if (this.digitJobs.length && this.sendEventTick(tick)) return;
    this.sendAudioTick(tick);
  }

  private sendAudioTick(tick: number): void {
    const pcm = new Int16Array(FRAME_SAMPLES);
    let filled = 0;
    const done: QueuedFrame[] = [];
    while (filled < FRAME_SAMPLES && this.queue.length) {
      const q = this.queue[0];
      const take = Math.min(FRAME_SAMPLES - filled, q.pcm.length - q.offset);
      pcm.set(q.pcm.subarray(q.offset, q.offset + take), filled);
      filled += take;
      q.offset += take;
      if (q.offset >= q.pcm.length) done.push(this.queue.shift() as QueuedFrame);
    }
    if (this.canSend()) {
      const n = this.negotiated as Negotiated;
      const payload = filled ? encodeG711(n.codec, pcm) : silenceFrame(n.codec, FRAME_SAMPLES);
      this.sendPacket(n.payloadType, this.timestampOf(tick), payload, !this.firstSent);
      this.firstSent = true;
    } else if (filled) {
      this.counters.framesSuppressed++;
    }
    for (const d of done) d.resolve(true);
  }

  /** One tick of the digit being sent; false when the tick is a gap between digits (audio goes out). */
  private sendEventTick(tick: number): boolean {
    const job = this.digitJobs[0];
    const pt = this.negotiated?.telephoneEvent;
    if (job.gap > 0) {
      job.gap--;
      if (job.gap === 0 && job.index >= job.events.length) {
        this.digitJobs.shift();
        job.resolve();
      }
      return false;
    }
    if (job.timestamp === undefined) job.timestamp = this.timestampOf(tick);
    const event = job.events[job.index];
    const send = (end: boolean, duration: number, marker: boolean) => {
      if (this.canSend() && pt !== undefined)
        this.sendPacket(pt, job.timestamp as number, encodeEvent({ event, end, volume: 10, duration }), marker);
    };
    if (job.updates * FRAME_SAMPLES < job.units) {
      job.updates++;
      const duration = Math.min(job.units, job.updates * FRAME_SAMPLES);
      // the last update of the tone is already the first of the three end packets
      const end = duration >= job.units;
      send(end, duration, job.updates === 1);
      if (end) job.ends = 1;
      return true;
    }
    send(true, job.units, false);
    job.ends++;
    if (job.ends >= 3) {
      this.counters.digitsSent++;
      job.index++;
      job.timestamp = undefined;
      job.updates = 0;
      job.ends = 0;
      job.gap = job.gapTicks;
      if (job.gap === 0 && job.index >= job.events.length) {
        this.digitJobs.shift();
        job.resolve();
      }
    }
    return true;
  }

  /**
   * Sends digits as RFC 4733 events: every 20 ms an update (marker on the first), three end packets with the
   * same timestamp, then `durationMs` of audio before the next digit (TAPI's dwDuration covers both).
   */
  sendDigits(digits: string, durationMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('RTP session closed'));
    const events: number[] = [];
    for (const d of String(digits)) {
      const e = eventOf(d);
      if (e === undefined) return Promise.reject(new TypeError(`sendDigits: ${JSON.stringify(d)} is not a DTMF digit`));
      events.push(e);
    }
    if (this.negotiated?.telephoneEvent === undefined)
      return Promise.reject(new Error('sendDigits: the far end did not negotiate telephone-event'));
    if (!this.canSend()) return Promise.reject(new Error('sendDigits: the far end does not receive audio now'));
    if (events.length === 0) return Promise.resolve();
    const ms = Math.min(8000, Math.max(40, Number.isFinite(durationMs) ? durationMs : 100));
    const ticks = Math.round(ms / PTIME_MS);
    return new Promise((resolve, reject) => {
      this.digitJobs.push({
        events,
        units: ticks * FRAME_SAMPLES,
        gapTicks: ticks,
        resolve,
        reject,
        index: 0,
        updates: 0,
        ends: 0,
        gap: 0,
      });
    });
  }

  // ---- the media seam ----

  audioOut(): AudioOut {
    const owner = {};
    let closed = false;
    const reset = () => {
      const mine = this.queue.filter((q) => q.owner === owner);
      this.queue = this.queue.filter((q) => q.owner !== owner);
      for (const q of mine) q.resolve(false);
    };
    const format = () => this.format();
    return {
      sampleRate: RTP_RATE,
      get format(): AudioFormat {
        return format();
      },
      write: (pcm) =>
        new Promise<boolean>((resolve) => {
          if (closed || this.closed || !(pcm instanceof Int16Array)) return resolve(false);
          if (pcm.length === 0) return resolve(true);
          this.queue.push({ owner, pcm: Int16Array.from(pcm), offset: 0, resolve });
        }),
      reset,
      close: () => {
        if (closed) return;
        reset();
        closed = true;
      },
    };
  }

  audioIn(): AudioIn {
    let listener: ((pcm: Int16Array) => void) | undefined;
    let closed = false;
    const format = () => this.format();
    return {
      sampleRate: RTP_RATE,
      get format(): AudioFormat {
        return format();
      },
      start: (onFrame) => {
        if (closed || this.closed || listener) return;
        listener = (pcm) => onFrame(pcm);
        this.listeners.add(listener);
      },
      close: () => {
        closed = true;
        if (listener) this.listeners.delete(listener);
        listener = undefined;
      },
    };
  }

  private format(): AudioFormat {
    return { encoding: this.codec === 'PCMU' ? 'mulaw' : 'alaw', sampleRate: RTP_RATE };
  }

  get stats(): RtpStats {
    let lost = this.lostOfOld;
    for (const t of this.trackers.values()) lost += t.lost;
    return {
      ...this.counters,
      lost,
      dropReasons: { ...this.dropReasons },
      late: this.playout.late,
      concealed: this.playout.concealed,
      skippedTicks: this.pacer.skipped,
    };
  }

  /** Pacing figures: ticks run, skipped, the largest lateness of a tick (ms). */
  get pacing(): { ticks: number; skipped: number; maxLateMs: number } {
    return { ticks: this.pacer.ticks, skipped: this.pacer.skipped, maxLateMs: this.pacer.maxLateMs };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Frees the socket and the timer; queued frames resolve false, pending digits reject. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pacer.stop();
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) q.resolve(false);
    const jobs = this.digitJobs;
    this.digitJobs = [];
    for (const j of jobs) j.reject(new Error('RTP session closed'));
    this.listeners.clear();
    this.socket.removeAllListeners('message');
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
