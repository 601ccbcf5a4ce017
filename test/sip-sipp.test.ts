// The SIP provider through the public API (openTapi → Line → Call) against SIPp scenarios of test/sip on
// loopback, over UDP and TCP: answer, busy, decline, each mapped status → state + mode, the 401 digest challenge
// (CSeq + 1, new transaction: checked by the scenario), CANCEL of a ringing call, an incoming call with RFC 4733
// digits, and 30 % SIP packet loss. Every scenario checks its side (SIPp exits 0 only when it saw what it
// expected); the test checks ours.
import * as assert from 'node:assert/strict';
import { openTapi } from '../lib/tapi';
import type { Tapi } from '../lib/tapi/tapi';
import type { Line } from '../lib/tapi/line';
import type { Call } from '../lib/tapi/call';
import { freePortBlock, Sipp, sippAvailable, stopAllSipp } from './helpers/sipp';

type Kind = 'udp' | 'tcp';

describe('SIP provider against SIPp', function () {
  this.timeout(60000);
  let tapi: Tapi | undefined;

  before(function () {
    assert.ok(sippAvailable(), 'sipp (Debian package sip-tester) is not installed: apt-get install sip-tester');
  });
  afterEach(async () => {
    await tapi?.shutdown();
    tapi = undefined;
    await stopAllSipp();
  });

  async function openLine(transport: Kind, extra: Record<string, unknown> = {}): Promise<Line> {
    tapi = await openTapi({
      provider: 'sip',
      appName: 'sip-sipp test',
      sip: {
        accounts: [{ uri: 'sip:alice@127.0.0.1', register: false, bindAddress: '127.0.0.1', transport, name: 'SIP test', ...extra }],
      },
    } as any);
    return tapi.openLine('SIP test', { privileges: 'owner' });
  }

  const states = (call: Call) => call.history.map((e) => (e.mode ? `${e.state}:${e.mode}` : e.state));

  for (const transport of ['udp', 'tcp'] as const) {
    const T = transport.toUpperCase();

    it(`answered call, hung up by us (${T})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-answer.xml', transport });
      const line = await openLine(transport);
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      await call.waitFor(['connected'], 20000);
      assert.deepEqual(
        states(call)
          .filter((s) => /^(proceeding|ringback|connected)/.test(s))
          .map((s) => s.split(':')[0]),
        ['proceeding', 'ringback', 'connected'],
      );
      await call.drop();
      await uas.passed();
    });

    it(`busy (486) → busy then disconnected:busy (${T})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-busy.xml', transport });
      const line = await openLine(transport);
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      await call.waitFor(['disconnected'], 20000);
      const seen = states(call);
      assert.ok(seen.some((s) => s.startsWith('busy')) && seen.includes('disconnected:busy'), seen.join(' '));
      await uas.passed();
    });

    it(`decline (603) → disconnected:reject (${T})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-decline.xml', transport });
      const line = await openLine(transport);
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      const ended = await call.waitFor(['disconnected'], 20000);
      assert.equal(ended.mode, 'reject', states(call).join(' '));
      await uas.passed();
    });

    it(`CANCEL of a ringing call (${T})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-ringing-cancel.xml', transport });
      const line = await openLine(transport);
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      await call.waitFor(['ringback'], 20000);
      await call.drop();
      await uas.passed();
    });

    it(`401 digest challenge: authenticated INVITE with CSeq + 1 (${T})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-auth.xml', transport, vars: { user: 'alice', password: 'secret' } });
      const line = await openLine(transport, { password: 'secret' });
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      await call.waitFor(['connected'], 20000);
      await call.drop();
      await uas.passed();
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`registers with digest auth (401, CSeq + 1) and unregisters on shutdown (${transport.toUpperCase()})`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-register.xml', transport, vars: { user: 'alice', password: 'secret' } });
      const line = await openLine(transport, { register: true, registrar: uas.endpoint, password: 'secret', expires: 120 });
      for (let i = 0; i < 200 && !/SIP\/2\.0 200 OK[^]*expires=60/.test(uas.messages()); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(uas.messages(), /Authorization: Digest/);
      assert.match(uas.messages(), /SIP\/2\.0 200 OK[^]*expires=60/);
      void line;
      await tapi!.shutdown();
      tapi = undefined;
      // the scenario ends only on an authorised REGISTER with expires=0
      await uas.passed();
    });
  }

  const mapped: [string, string][] = [
    ['SIP/2.0 404 Not Found', 'badaddress'],
    ['SIP/2.0 484 Address Incomplete', 'badaddress'],
    ['SIP/2.0 604 Does Not Exist Anywhere', 'badaddress'],
    ['SIP/2.0 408 Request Timeout', 'noanswer'],
    ['SIP/2.0 480 Temporarily Unavailable', 'noanswer'],
    ['SIP/2.0 503 Service Unavailable', 'congestion'],
    ['SIP/2.0 600 Busy Everywhere', 'busy'],
    ['SIP/2.0 500 Server Internal Error', 'unknown'],
    ['SIP/2.0 420 Bad Extension', 'unknown'],
  ];
  it('each mapped final status → disconnected with its mode (UDP)', async () => {
    const line = await openLine('udp');
    for (const [statusLine, mode] of mapped) {
      const uas = await Sipp.start({ scenario: 'uas-status.xml', keys: { status_line: statusLine } });
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      const ended = await call.waitFor(['disconnected'], 20000);
      assert.equal(ended.mode, mode, `${statusLine}: ${states(call).join(' ')}`);
      await uas.passed();
      await call.deallocate();
    }
  });

  it('answered call under -lost 30 (UDP)', async () => {
    const uas = await Sipp.start({ scenario: 'uas-answer.xml', lost: 30, lingerMs: 10000, timeoutS: 50 });
    const line = await openLine('udp');
    const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
    await call.waitFor(['connected'], 40000);
    await call.drop();
    await uas.passed(55000);
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`incoming call with RFC 4733 digits 0159*# (${transport.toUpperCase()})`, async () => {
      const local = await freePortBlock(1);
      const line = await openLine(transport, { localPort: local });
      const offered = new Promise<Call>((resolve) => line.on('call', resolve));
      const digits: string[] = [];
      line.on('digit', (_call: Call, event: { digit: string }) => digits.push(event.digit));
      const uac = await Sipp.start({ scenario: 'uac-call-dtmf.xml', transport, remote: `127.0.0.1:${local}`, service: 'alice' });
      const call = await offered;
      await call.waitFor(['offering'], 20000);
      call.monitorDigits(['dtmf']);
      await call.answer();
      await call.waitFor(['connected'], 20000);
      await call.waitFor(['disconnected'], 20000);
      await uac.passed();
      assert.equal(digits.join(''), '0159*#');
    });
  }
});
