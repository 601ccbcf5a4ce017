// The baresip harness proven without our SIP stack: baresip runs in a network namespace the test creates
// (it refuses loopback) and calls a SIPp UAS (uas-answer.xml with -rtp_echo) bound on our side of the veth
// pair; it types DTMF during the call, and hears both its audio and its RFC 4733 events echoed back.
// Needs root for `ip netns` (CI runs as root): without it the test fails with the reason, it is not skipped.
import * as assert from 'node:assert/strict';
import { Baresip, stopAllBaresip } from './helpers/baresip';
import { NetNs, destroyAllNetNs } from './helpers/netns';
import { Sipp, sippAvailable, stopAllSipp } from './helpers/sipp';

describe('SIP peers: baresip in a network namespace, checked against SIPp', function () {
  this.timeout(60000);

  before(function () {
    assert.ok(sippAvailable(), 'sipp (Debian package sip-tester) is not installed: apt-get install sip-tester');
  });
  afterEach(async () => {
    await stopAllBaresip();
    await stopAllSipp();
    destroyAllNetNs();
  });

  it('baresip calls SIPp across the veth pair, sends DTMF and audio, and hears them echoed', async () => {
    const ns = NetNs.create();
    const uas = await Sipp.start({ scenario: 'uas-answer.xml', host: ns.hostAddress, rtpEcho: true });
    const phone = await Baresip.start(ns);
    phone.command(`/dial sip:answer@${uas.endpoint}`);
    await phone.waitFor(/Call established|audio: Set audio encoder/);
    const afterAnswer = phone.output.length;
    await phone.sendDigits('15#');
    for (const digit of ['1', '5', '#']) await phone.waitFor(new RegExp(`received event: '${digit}'`), 15000, afterAnswer);
    // the status line counts audio bits per second sent/received: non-zero in both directions
    await phone.waitFor(/audio=[1-9]\d*\/[1-9]\d* \(bit\/s\)/, 15000, afterAnswer);
    phone.command('/hangup');
    await uas.passed();
    assert.match(uas.messages(), new RegExp(`INVITE sip:answer@${ns.hostAddress.replace(/\./g, '\\.')}`));
    assert.match(uas.messages(), /BYE sip:/);
  });

  it('removes the namespace again', () => {
    const ns = NetNs.create();
    ns.destroy();
    assert.throws(() => {
      const result = require('node:child_process').spawnSync('ip', ['netns', 'exec', ns.name, 'true']);
      if (result.status !== 0) throw new Error('gone');
    }, /gone/);
  });
});
