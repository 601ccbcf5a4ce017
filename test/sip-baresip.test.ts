// The SIP provider through the public API against baresip, a real user agent, in a network namespace the test
// creates (baresip refuses loopback): our account binds 10.77.n.1 on our side of the veth pair, baresip
// listens on 10.77.n.2. Calls both ways, DTMF both ways (RFC 4733), and audio both ways: baresip's microphone
// is a 440 Hz tone file that we record, and what we play reaches its receive counter. Each case runs over UDP and
// over TCP (our account and baresip's both use the transport; an ss check proves the TCP connection, or none).
// Needs root for `ip netns` (CI runs as root): without it the test fails with the reason, it is not skipped.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openTapi } from '../lib/tapi';
import type { Tapi } from '../lib/tapi/tapi';
import type { Call } from '../lib/tapi/call';
import type { Line } from '../lib/tapi/line';
import { Baresip, stopAllBaresip, toneWav } from './helpers/baresip';
import { NetNs, destroyAllNetNs } from './helpers/netns';
import { freePortBlock } from './helpers/sipp';

/** RMS of a 16-bit mono PCM WAV's samples (after the 44-byte header). */
function rms(wav: Buffer): number {
  let sum = 0;
  let n = 0;
  for (let i = 44; i + 1 < wav.length; i += 2, n++) sum += wav.readInt16LE(i) ** 2;
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

describe('SIP provider against baresip (network namespace)', function () {
  this.timeout(60000);
  let tapi: Tapi | undefined;

  afterEach(async () => {
    await tapi?.shutdown();
    tapi = undefined;
    await stopAllBaresip();
    destroyAllNetNs();
  });

  async function setup(transport: 'udp' | 'tcp') {
    const ns = NetNs.create();
    const phone = await Baresip.start(ns, { user: '2000', answerMode: 'auto', transport });
    const localPort = await freePortBlock(1);
    tapi = await openTapi({
      provider: 'sip',
      appName: 'sip-baresip test',
      sip: {
        accounts: [
          {
            uri: `sip:1000@${ns.hostAddress}`,
            register: false,
            bindAddress: ns.hostAddress,
            localPort,
            transport,
            acceptOnlyFromRegistrar: false,
            name: 'SIP test',
          },
        ],
      },
    } as any);
    const line: Line = await tapi.openLine('SIP test', { privileges: 'owner' });
    return { ns, phone, line, localPort };
  }

  /** Asserts the signalling really went over the transport: an established TCP connection to baresip's 5060 or to
   * our localPort, or none. */
  function assertSignallingTransport(ns: NetNs, localPort: number, transport: 'udp' | 'tcp') {
    const ss = spawnSync('ip', ['netns', 'exec', ns.name, 'ss', '-Htn', 'state', 'established'], { encoding: 'utf8' });
    const toSip = ss.stdout
      .split('\n')
      .filter((row) => row.includes(`${ns.nsAddress}:5060`) || row.includes(`${ns.hostAddress}:${localPort}`));
    if (transport === 'tcp') assert.ok(toSip.length > 0, `no SIP TCP connection:\n${ss.stdout}${ss.stderr}`);
    else assert.equal(toSip.length, 0, toSip.join('\n'));
  }

  async function exerciseCall(call: Call, phone: Baresip, line: Line) {
    const mark = phone.output.length;
    const digits: string[] = [];
    line.on('digit', (_c: Call, event: { digit: string }) => digits.push(event.digit));
    call.monitorDigits(['dtmf']);
    // baresip → us: its tone, and the digits typed into it
    const recorded = await call.record({ maxMs: 1500 });
    assert.ok(rms(recorded.wav) > 500, `recorded RMS ${rms(recorded.wav).toFixed(0)}`);
    await phone.sendDigits('37#');
    for (let i = 0; i < 100 && digits.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(digits.join(''), '37#');
    // us → baresip: digits and audio
    await call.generateDigits('19');
    await phone.waitFor(/received event: '1'/, 15000, mark);
    await phone.waitFor(/received event: '9'/, 15000, mark);
    await call.play(toneWav(1));
    await phone.waitFor(/audio=[1-9]\d*\/[1-9]\d* \(bit\/s\)/, 15000, mark);
  }

  for (const transport of ['udp', 'tcp'] as const) {
    const suffix = transport === 'tcp' ? ';transport=tcp' : '';
    it(`we call baresip over ${transport}: answered, DTMF and audio both ways, we hang up`, async () => {
      const { ns, phone, line, localPort } = await setup(transport);
      const call = await line.makeCall(`sip:2000@${ns.nsAddress}:5060${suffix}`);
      await call.waitFor(['connected'], 20000);
      assertSignallingTransport(ns, localPort, transport);
      await exerciseCall(call, phone, line);
      await call.drop();
      await phone.waitFor(/terminated/, 15000);
    });

    it(`baresip calls us over ${transport}: offering, we answer, DTMF and audio both ways, baresip hangs up`, async () => {
      const { ns, phone, line, localPort } = await setup(transport);
      const offered = new Promise<Call>((resolve) => line.on('call', resolve));
      phone.command(`/dial sip:1000@${ns.hostAddress}:${localPort}${suffix}`);
      const call = await offered;
      await call.waitFor(['offering'], 20000);
      await call.answer();
      await call.waitFor(['connected'], 20000);
      assertSignallingTransport(ns, localPort, transport);
      await exerciseCall(call, phone, line);
      phone.command('/hangup');
      const ended = await call.waitFor(['disconnected'], 20000);
      assert.equal(ended.mode, 'normal');
    });
  }
});
