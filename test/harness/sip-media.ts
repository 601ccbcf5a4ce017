// The call's audio under test on the SIP provider: the far end (test/harness/sip.ts) is an RtpSession per call.
// What it heard is read off its socket as the RTP packets arrive (decoded G.711, with their arrival times), not
// from its playout buffer, so that a frame counts the moment our side sent it, as the fake winmm counts a frame
// the moment it is played. Our side sends a frame of G.711 silence every 20 ms while nothing plays: the frames
// before the first and after the last non-silent frame are not part of what was played.
import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Tapi } from '../../lib/tapi';
import type { SipProvider } from '../../lib/tapi/providers/sip';
import { decodeG711, encodeG711, parseRtp, silenceFrame, type RtpSession } from '../../lib/tapi/providers/sip/media';
import type { MediaHarness } from './media';
import { farMediaOf, sipHarness, watchFarMedia } from './sip';

interface Arrived {
  pcm: Int16Array;
  silent: boolean;
  atMs: number;
}

/** RFC 3551 static payload types of the codecs the far end offers. */
const PAYLOAD_CODEC: Record<number, 'PCMU' | 'PCMA'> = { 0: 'PCMU', 8: 'PCMA' };

const arrived = new Map<string, Arrived[]>();

function listen(callId: string, media: RtpSession): void {
  const frames: Arrived[] = [];
  arrived.set(callId, frames);
  // The session's socket is private; a second 'message' listener only reads (test-only access).
  const socket = (media as unknown as { socket: dgram.Socket }).socket;
  socket.on('message', (data) => {
    const parsed = parseRtp(data);
    if (!parsed.ok) return;
    const codec = PAYLOAD_CODEC[parsed.packet.payloadType];
    if (!codec) return; // telephone-event
    const payload = parsed.packet.payload;
    frames.push({ pcm: decodeG711(codec, payload), silent: payload.equals(silenceFrame(codec, payload.length)), atMs: performance.now() });
  });
}

function callIdOf(tapi: Tapi, call: { handle: number }): string {
  const id = (tapi.lineProvider as unknown as SipProvider).sipCallId(call.handle);
  if (!id) throw new Error(`call 0x${call.handle.toString(16)} has no SIP Call-ID`);
  return id;
}

export const sipMedia: MediaHarness = {
  base: sipHarness,
  name: 'sip (RTP to a far-end RtpSession on loopback)',
  available: () => sipHarness.available(),
  clock: 'real',
  turn: () => new Promise((r) => setTimeout(r, 5)),
  tapiOptions: () => sipHarness.tapiOptions(),
  heard: (tapi, call) => {
    const frames = arrived.get(callIdOf(tapi, call)) ?? [];
    let first = frames.findIndex((f) => !f.silent);
    if (first < 0) first = frames.length;
    let last = frames.length - 1;
    while (last >= first && frames[last].silent) last--;
    const played = frames.slice(first, last + 1);
    const pcm = new Int16Array(played.reduce((n, f) => n + f.pcm.length, 0));
    let at = 0;
    for (const f of played) {
      pcm.set(f.pcm, at);
      at += f.pcm.length;
    }
    const spanMs = played.length ? played[played.length - 1].atMs - played[0].atMs + 20 : 0;
    return { pcm, sampleRate: 8000, playedMs: Math.round((pcm.length * 1000) / 8000), frames: played.length, spanMs };
  },
  remoteAudio: (tapi, call, pcm) => {
    void farMediaOf(tapi, call).then((m) => m.audioOut().write(pcm));
  },
  // The far end offers PCMU first (RtpSession's default): what it can hear of a sample is its µ-law round trip.
  heardAs: (pcm) => decodeG711('PCMU', encodeG711('PCMU', pcm)),
  // Our side's playout holds 2 frames (40 ms) before the far end's speech is recorded, and the two pacers' ticks
  // are up to a frame apart.
  inputLatencyMs: 60,
  devices: () => null,
  reset: () => {
    sipHarness.reset();
    arrived.clear();
    watchFarMedia(listen);
  },
};
