// SDP (RFC 4566) for one audio stream and the offer/answer rules of RFC 3264 that a G.711 phone needs: PCMU (0),
// PCMA (8), telephone-event (RFC 4733), ptime, the direction attributes and the old hold form c=0.0.0.0.
// The parser is bounded and never throws anything but SdpError: the text comes from the network.

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type CodecName = 'PCMU' | 'PCMA';

export const STATIC_PAYLOAD: Readonly<Record<CodecName, number>> = { PCMU: 0, PCMA: 8 };
export const DEFAULT_TELEPHONE_EVENT = 101;
export const PTIME_MS = 20;

export const SDP_LIMITS = { maxBytes: 16384, maxLines: 256, maxLineBytes: 1024, maxMedia: 16, maxFormats: 64 };

/** A refused SDP: `status` is the SIP response for it (488 Not Acceptable Here, 400 for a malformed body). */
export class SdpError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 488 = 488,
  ) {
    super(message);
    this.name = 'SdpError';
  }
}

export interface SdpRtpMap {
  encoding: string;
  clockRate: number;
  fmtp?: string;
}

export interface SdpMedia {
  type: string;
  port: number;
  proto: string;
  /** Payload types in the order of the m= line. */
  formats: number[];
  rtpmap: Map<number, SdpRtpMap>;
  /** The media's connection address (c= of the media, else of the session). */
  address?: string;
  direction: MediaDirection;
  ptime?: number;
}

export interface SessionDescription {
  origin: { username: string; sessionId: string; version: string; addressType: string; address: string };
  sessionName: string;
  media: SdpMedia[];
}

function isPositiveInt(text: string, max: number): boolean {
  if (text.length === 0 || text.length > 10) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(text) <= max;
}

function hasControlChars(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return true;
  }
  return false;
}

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** Parses an SDP body. Throws SdpError(400) when it is not SDP or exceeds the bounds. */
export function parseSdp(input: string | Buffer): SessionDescription {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) throw new SdpError('SDP body missing', 400);
  if (input.length > SDP_LIMITS.maxBytes) throw new SdpError('SDP body too large', 400);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines.length > SDP_LIMITS.maxLines + 1) throw new SdpError('SDP has too many lines', 400);
  let origin: SessionDescription['origin'] | undefined;
  let sessionName = '';
  let sessionAddress: string | undefined;
  let sessionDirection: MediaDirection = 'sendrecv';
  const media: Array<SdpMedia & { directionSet: boolean }> = [];
  let seenVersion = false;
  for (const raw of lines) {
    if (raw.length === 0) continue;
    if (raw.length > SDP_LIMITS.maxLineBytes) throw new SdpError('SDP line too long', 400);
    if (hasControlChars(raw)) throw new SdpError('SDP line has control characters', 400);
    if (raw.length < 2 || raw[1] !== '=') throw new SdpError('SDP line is not type=value', 400);
    const type = raw[0];
    const value = raw.slice(2).trim();
    const current = media[media.length - 1];
    if (!seenVersion) {
      if (type !== 'v' || value !== '0') throw new SdpError('SDP must start with v=0', 400);
      seenVersion = true;
      continue;
    }
    switch (type) {
      case 'o': {
        const f = value.split(/ +/);
        if (f.length !== 6) throw new SdpError('SDP o= needs 6 fields', 400);
        origin = { username: f[0], sessionId: f[1], version: f[2], addressType: f[4], address: f[5] };
        break;
      }
      case 's':
        sessionName = value;
        break;
      case 'c': {
        const f = value.split(/ +/);
        if (f.length !== 3 || f[0] !== 'IN' || (f[1] !== 'IP4' && f[1] !== 'IP6')) throw new SdpError('SDP c= malformed', 400);
        const address = f[2].split('/')[0];
        if (current) current.address = address;
        else sessionAddress = address;
        break;
      }
      case 'm': {
        if (media.length >= SDP_LIMITS.maxMedia) throw new SdpError('SDP has too many m= lines', 400);
        const f = value.split(/ +/);
        if (f.length < 3) throw new SdpError('SDP m= malformed', 400);
        const portText = f[1].split('/')[0];
        if (!isPositiveInt(portText, 65535)) throw new SdpError('SDP m= port malformed', 400);
        const formats: number[] = [];
        const isRtp = f[2].startsWith('RTP/');
        if (f.length - 3 > SDP_LIMITS.maxFormats) throw new SdpError('SDP m= lists too many formats', 400);
        if (isRtp) {
          for (const pt of f.slice(3)) {
            if (!isPositiveInt(pt, 127)) throw new SdpError('SDP m= payload type malformed', 400);
            formats.push(Number(pt));
          }
        }
        media.push({
          type: f[0],
          port: Number(portText),
          proto: f[2],
          formats,
          rtpmap: new Map(),
          direction: sessionDirection,
          directionSet: false,
        });
        break;
      }
      case 'a': {
        const colon = value.indexOf(':');
        const name = colon < 0 ? value : value.slice(0, colon);
        const arg = colon < 0 ? '' : value.slice(colon + 1).trim();
        if (DIRECTIONS.includes(name)) {
          if (current) {
            current.direction = name as MediaDirection;
            current.directionSet = true;
          } else {
            sessionDirection = name as MediaDirection;
          }
        } else if (current && name === 'rtpmap') {
          const m = /^(\d{1,3}) +([^/ ]{1,64})\/(\d{1,6})(?:\/\d{1,2})?$/.exec(arg);
          if (m && Number(m[1]) <= 127) {
            const prior = current.rtpmap.get(Number(m[1]));
            current.rtpmap.set(Number(m[1]), { encoding: m[2], clockRate: Number(m[3]), fmtp: prior?.fmtp });
          }
        } else if (current && name === 'fmtp') {
          const m = /^(\d{1,3}) +(.{0,512})$/.exec(arg);
          if (m && Number(m[1]) <= 127) {
            const pt = Number(m[1]);
            const map = current.rtpmap.get(pt);
            if (map) map.fmtp = m[2];
            else current.rtpmap.set(pt, { encoding: '', clockRate: 0, fmtp: m[2] });
          }
        } else if (current && name === 'ptime' && isPositiveInt(arg, 1000)) {
          current.ptime = Number(arg);
        }
        break;
      }
      default:
        // v, i, u, e, p, b, t, r, z, k and unknown types carry nothing this phone needs.
        break;
    }
  }
  if (!seenVersion) throw new SdpError('SDP body empty', 400);
  if (!origin) throw new SdpError('SDP o= missing', 400);
  for (const m of media) {
    if (m.address === undefined) m.address = sessionAddress;
    if (!m.directionSet) m.direction = sessionDirection;
  }
  return {
    origin,
    sessionName,
    media: media.map(({ directionSet: _d, ...m }) => m),
  };
}

/** The codec a payload type stands for in this media (rtpmap first, the static table for 0 and 8). */
export function codecOf(media: SdpMedia, pt: number): CodecName | 'telephone-event' | undefined {
  const map = media.rtpmap.get(pt);
  if (map && map.encoding) {
    const enc = map.encoding.toUpperCase();
    if ((enc === 'PCMU' || enc === 'PCMA') && map.clockRate === 8000) return enc;
    if (enc === 'TELEPHONE-EVENT' && map.clockRate === 8000) return 'telephone-event';
    return undefined;
  }
  if (pt === 0) return 'PCMU';
  if (pt === 8) return 'PCMA';
  return undefined;
}

/** True when the address is the unspecified one (the RFC 2543 hold form or "no address yet"). */
export function isUnspecifiedAddress(address: string | undefined): boolean {
  return address === undefined || address === '0.0.0.0' || address === '::' || address === '0:0:0:0:0:0:0:0';
}

/** The first audio stream of an SDP that is RTP/AVP and not rejected (port 0), with its index. */
export function firstAudio(sdp: SessionDescription): { index: number; media: SdpMedia } | undefined {
  const index = sdp.media.findIndex((m) => m.type === 'audio' && m.proto.startsWith('RTP/AVP') && m.port !== 0);
  return index < 0 ? undefined : { index, media: sdp.media[index] };
}

/** What the far end's audio description says it does, with c=0.0.0.0 taken as hold (RFC 3264 §8.4). */
export function effectiveDirection(media: SdpMedia): MediaDirection {
  if (media.address !== undefined && isUnspecifiedAddress(media.address)) {
    if (media.direction === 'sendrecv' || media.direction === 'sendonly') return 'sendonly';
    return 'inactive';
  }
  return media.direction;
}

export function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

/** The direction of an answer to an offer of `offered`, when this side wants `local` (RFC 3264 §6.1). */
export function answerDirection(offered: MediaDirection, local: MediaDirection): MediaDirection {
  const send = receives(offered) && sends(local);
  const recv = sends(offered) && receives(local);
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

export interface LocalAudio {
  address: string;
  port: number;
  codecs: readonly CodecName[];
  /** Payload type for telephone-event, or undefined not to offer it. */
  telephoneEvent?: number;
  direction: MediaDirection;
  sessionId: string;
  sessionVersion: number;
  username?: string;
}

function addressType(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

function audioLines(port: number, payloads: Array<{ pt: number; line: string; fmtp?: string }>, direction: MediaDirection): string[] {
  const lines = [`m=audio ${port} RTP/AVP ${payloads.map((p) => p.pt).join(' ')}`];
  for (const p of payloads) {
    lines.push(`a=rtpmap:${p.pt} ${p.line}`);
    if (p.fmtp) lines.push(`a=fmtp:${p.pt} ${p.fmtp}`);
  }
  lines.push(`a=ptime:${PTIME_MS}`, `a=${direction}`);
  return lines;
}

function sessionLines(local: LocalAudio): string[] {
  const type = addressType(local.address);
  return [
    'v=0',
    `o=${local.username ?? '-'} ${local.sessionId} ${local.sessionVersion} IN ${type} ${local.address}`,
    's=-',
    `c=IN ${type} ${local.address}`,
    't=0 0',
  ];
}

/** An offer of one audio stream with the local codecs in order of preference, then telephone-event. */
export function buildOffer(local: LocalAudio): string {
  const payloads: Array<{ pt: number; line: string; fmtp?: string }> = local.codecs.map((c) => ({
    pt: STATIC_PAYLOAD[c],
    line: `${c}/8000`,
  }));
  if (local.telephoneEvent !== undefined) payloads.push({ pt: local.telephoneEvent, line: 'telephone-event/8000', fmtp: '0-16' });
  return [...sessionLines(local), ...audioLines(local.port, payloads, local.direction)].join('\r\n') + '\r\n';
}

export interface Negotiated {
  codec: CodecName;
  /** Payload type of the codec in the far end's description (the one we send with). */
  payloadType: number;
  /** Payload type of telephone-event the far end takes, if it takes it. */
  telephoneEvent?: number;
  /** Where to send RTP (undefined when the far end gave no usable address). */
  remoteAddress?: string;
  remotePort: number;
  /** The far end's direction (its own point of view), c=0.0.0.0 folded in. */
  remoteDirection: MediaDirection;
  /** This side's direction after the exchange. */
  localDirection: MediaDirection;
  /** Far end's ptime, if it gave one. */
  remotePtime?: number;
}

function negotiatedFrom(media: SdpMedia, codecPt: number, codec: CodecName, localDirection: MediaDirection): Negotiated {
  const te = media.formats.find((pt) => codecOf(media, pt) === 'telephone-event');
  return {
    codec,
    payloadType: codecPt,
    telephoneEvent: te,
    remoteAddress: isUnspecifiedAddress(media.address) ? undefined : media.address,
    remotePort: media.port,
    remoteDirection: effectiveDirection(media),
    localDirection,
    remotePtime: media.ptime,
  };
}

/**
 * The answer to a remote offer: the first codec of the offer's order that this side has, telephone-event with the
 * offer's payload type if both have it, the direction by RFC 3264 §6.1; every other m= line rejected with port 0.
 * Throws SdpError(488) when no audio stream has a common codec, SdpError(400) when the offer is not SDP.
 */
export function answerOffer(offer: string | Buffer, local: LocalAudio): { answer: string; negotiated: Negotiated } {
  const sdp = parseSdp(offer);
  let chosen: { index: number; pt: number; codec: CodecName } | undefined;
  for (let i = 0; i < sdp.media.length && !chosen; i++) {
    const m = sdp.media[i];
    if (m.type !== 'audio' || !m.proto.startsWith('RTP/AVP') || m.proto.includes('SAVP') || m.port === 0) continue;
    for (const pt of m.formats) {
      const codec = codecOf(m, pt);
      if (codec === 'PCMU' || codec === 'PCMA') {
        if (local.codecs.includes(codec)) {
          chosen = { index: i, pt, codec };
          break;
        }
      }
    }
  }
  if (!chosen) throw new SdpError('no common audio codec (this side has ' + local.codecs.join(', ') + ')', 488);
  const media = sdp.media[chosen.index];
  const localDirection = answerDirection(effectiveDirection(media), local.direction);
  const negotiated = negotiatedFrom(media, chosen.pt, chosen.codec, localDirection);
  if (local.telephoneEvent === undefined) negotiated.telephoneEvent = undefined;
  const lines = sessionLines(local);
  sdp.media.forEach((m, i) => {
    if (i !== chosen.index) {
      lines.push(`m=${m.type} 0 ${m.proto} ${m.formats.length ? m.formats.join(' ') : '0'}`);
      return;
    }
    const payloads: Array<{ pt: number; line: string; fmtp?: string }> = [{ pt: chosen.pt, line: `${chosen.codec}/8000` }];
    if (negotiated.telephoneEvent !== undefined)
      payloads.push({ pt: negotiated.telephoneEvent, line: 'telephone-event/8000', fmtp: '0-16' });
    lines.push(...audioLines(local.port, payloads, localDirection));
  });
  return { answer: lines.join('\r\n') + '\r\n', negotiated };
}

/**
 * Reads the far end's answer to our offer: its first audio codec must be one we offered. Throws SdpError(488)
 * otherwise (the caller ends the call), SdpError(400) when it is not SDP.
 */
export function readAnswer(answer: string | Buffer, local: LocalAudio): Negotiated {
  const sdp = parseSdp(answer);
  const audio = firstAudio(sdp);
  if (!audio) throw new SdpError('the answer accepts no audio stream', 488);
  const { media } = audio;
  for (const pt of media.formats) {
    const codec = codecOf(media, pt);
    if ((codec === 'PCMU' || codec === 'PCMA') && local.codecs.includes(codec)) {
      const remoteDirection = effectiveDirection(media);
      const localDirection = answerDirection(remoteDirection, local.direction);
      const n = negotiatedFrom(media, pt, codec, localDirection);
      if (local.telephoneEvent === undefined) n.telephoneEvent = undefined;
      return n;
    }
  }
  throw new SdpError('the answer names no codec that was offered', 488);
}
