// The SIP provider under test: openTapi({ provider: 'sip' }) with one account registered at a scriptable far end
// (test/helpers/sip-peer.ts) on loopback, which answers the simulator's test numbers the SIP way (5550100
// answers, 5550101 486, 5550102 rings then 480, 5550103 603, 5550106 answers then BYE, 5550107 503, 5550108
// answers and presses 1 2 3 4 #, 5550109 hangs up on the first digit it hears) with an RtpSession per call as
// its media. open() must run (mocha before hook) before the suite; close() after it.
import type { Tapi } from '../../lib/tapi';
import type { SipProvider } from '../../lib/tapi/providers/sip';
import { header, headerValues } from '../../lib/tapi/providers/sip/core/headers';
import type { SipEndpoint, SipRequest } from '../../lib/tapi/providers/sip/core/types';
import { RtpSession } from '../../lib/tapi/providers/sip/media';
import { SipPeer } from '../helpers/sip-peer';
import type { ProviderHarness } from './types';

interface FarCall {
  media?: RtpSession;
  heard: string;
}

let peer: SipPeer | undefined;
let ua: SipEndpoint | undefined;
const calls = new Map<string, FarCall>();

function provider(tapi: Tapi): SipProvider {
  return tapi.lineProvider as unknown as SipProvider;
}

function far(callId: string): FarCall {
  let c = calls.get(callId);
  if (!c) calls.set(callId, (c = { heard: '' }));
  return c;
}

function callIdOf(tapi: Tapi, call: { handle: number }): string {
  const id = provider(tapi).sipCallId(call.handle);
  if (!id) throw new Error(`call 0x${call.handle.toString(16)} has no SIP Call-ID yet`);
  return id;
}

async function media(callId: string): Promise<RtpSession> {
  const c = far(callId);
  if (!c.media) {
    c.media = await RtpSession.open({ bindAddress: '127.0.0.1' });
    c.media.onDigit = (d) => {
      c.heard += d;
    };
  }
  return c.media;
}

function bye(callId: string): void {
  const p = peer;
  if (!p) return;
  void p
    .dialog(callId, 2000)
    .then((dialog) => p.request('BYE', { dialog }))
    .catch(() => undefined);
}

function answerInvite(req: SipRequest, reply: (status: number, options?: { sdp?: string }) => unknown): void {
  const callId = header(req, 'call-id') ?? '';
  if (header(req, 'to')?.includes('tag=')) {
    // re-INVITE (hold / unhold)
    void media(callId).then((m) => reply(200, { sdp: m.acceptOffer(req.body.toString()) }));
    return;
  }
  const user = decodeURIComponent(/^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '');
  reply(100);
  const fail = { '5550101': 486, '5550103': 603, '5550107': 503 } as Record<string, number>;
  if (fail[user]) {
    if (user === '5550103') reply(180);
    reply(fail[user]);
    return;
  }
  reply(180);
  if (user === '5550102') {
    setTimeout(() => reply(480), 300).unref();
    return;
  }
  void media(callId).then((m) => {
    reply(200, { sdp: m.acceptOffer(req.body.toString()) });
    if (user === '5550106') setTimeout(() => bye(callId), 100).unref();
    if (user === '5550108') setTimeout(() => void m.sendDigits('1234#', 60).catch(() => undefined), 100).unref();
    if (user === '5550109') {
      m.onDigit = (d) => {
        far(callId).heard += d;
        bye(callId);
      };
    }
  });
}

export async function openSipFarEnd(): Promise<void> {
  peer = await SipPeer.open({ transport: 'udp' });
  peer.onRequest('REGISTER', (req, reply, ctx) => {
    ua = ctx.source;
    reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
  });
  peer.onRequest('INVITE', answerInvite);
  peer.onRequest('REFER', (_req, reply) => reply(202));
}

export async function closeSipFarEnd(): Promise<void> {
  for (const c of calls.values()) c.media?.close();
  calls.clear();
  await peer?.close();
  peer = undefined;
}

function thePeer(): SipPeer {
  if (!peer) throw new Error('openSipFarEnd() first');
  return peer;
}

export const sipHarness: ProviderHarness = {
  name: 'sip (sip-peer on loopback)',
  available: () => peer !== undefined,
  capabilities: {
    simulatedLines: false,
    scriptedFailures: false,
    replyBeforeReturn: false,
    failNext: false,
    reinit: false,
    forceLineClose: false,
    consultationTransfer: false,
    tones: false,
    mediaDetection: false,
    pulseDigits: false,
    formattedCallerIds: false,
    sameBatchDigits: false,
  },
  tapiOptions: () => ({
    provider: 'sip',
    appName: 'contract suite',
    sip: { accounts: [{ uri: `sip:100@${thePeer().hostPort}`, registrar: thePeer().hostPort, bindAddress: '127.0.0.1', expires: 600 }] },
  }),
  presentIncomingCall: (tapi, options) => {
    const p = thePeer();
    void (async () => {
      const until = Date.now() + 3000;
      while (!ua && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      const to = ua;
      if (!to) return;
      const callId = `${Date.now()}-${Math.random().toString(16).slice(2)}@contract`;
      const m = await media(callId);
      const digits = (options.callerId ?? '5550199').replace(/[^0-9+*#]/g, '');
      const name = options.callerIdName ? `"${options.callerIdName}" ` : '';
      const result = await p.request('INVITE', {
        to,
        uri: `sip:${options.calledId ?? '100'}@${to.address}:${to.port}`,
        sdp: m.createOffer(),
        headers: { 'call-id': callId, from: `${name}<sip:${digits}@${p.hostPort}>;tag=${callId.slice(0, 8)}` },
      });
      if (result.final.status === 200) {
        m.acceptAnswer(result.final.body.toString());
        if (options.digits) setTimeout(() => void m.sendDigits(options.digits!, 60).catch(() => undefined), 100).unref();
      }
    })().catch(() => undefined);
    void tapi;
  },
  remoteHangup: (tapi, call) => bye(callIdOf(tapi, call)),
  replyBeforeReturn: () => {
    throw new Error('a SIP far end cannot deliver a LINE_REPLY before the request id');
  },
  failNext: () => {
    throw new Error('a SIP far end cannot make a provider function fail');
  },
  triggerReinit: () => {
    throw new Error('SIP has no LINEDEVSTATE_REINIT');
  },
  forceLineClose: () => {
    throw new Error('use a registrar that refuses the account (test/sip-provider.test.ts)');
  },
  outstanding: (tapi) => {
    const o = provider(tapi).outstanding();
    return { lines: o.lines, calls: o.calls, requests: o.requests };
  },
  remoteDigits: (tapi, call, digits) => {
    const callId = callIdOf(tapi, call);
    void media(callId).then((m) => m.sendDigits(digits, 60).catch(() => undefined));
  },
  generated: (tapi, call) => ({ digits: far(callIdOf(tapi, call)).heard, tones: [] }),
  remoteTone: () => {
    throw new Error('a SIP line detects no tones');
  },
  remoteMedia: () => {
    throw new Error('a SIP line detects no media modes');
  },
  reset: () => {
    for (const c of calls.values()) c.media?.close();
    calls.clear();
    ua = undefined;
  },
};

export type { SipRequest };
