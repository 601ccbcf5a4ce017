// Interop of the SIP provider's media with SIPp's RTP echo (`sipp -rtp_echo`, Debian sip-tester): SIPp sends back
// every RTP packet it gets on its media port, so our G.711 frames and RFC 4733 events come back through another
// implementation's sockets and must still decode to the tone and to each digit once.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { RtpSession } from '../lib/tapi/providers/sip/media';

const SIPP = '/usr/bin/sipp';
const haveSipp = spawnSync(SIPP, ['-v'], { timeout: 5000 }).status !== null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freeEvenPort(): Promise<number> {
  for (;;) {
    const s = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
    s.close();
    // sipp also takes port + 2 for video
    if (port % 2 === 0 && port < 65000) return port;
  }
}

async function waitFor(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !pred(); waited += 10) {
    if (waited > ms) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('SIP media: interop with sipp -rtp_echo', function () {
  this.timeout(20000);
  let sipp: ChildProcess | undefined;
  let session: RtpSession | undefined;
  let mediaPort = 0;

  before(async function () {
    if (!haveSipp) this.skip(); // platform reason: SIPp is not installed
    mediaPort = await freeEvenPort();
    const sipPort = await freeEvenPort();
    sipp = spawn(
      SIPP,
      ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(sipPort), '-mp', String(mediaPort), '-rtp_echo', '-nostdin', '-m', '1'],
      {
        stdio: 'ignore',
      },
    );
    // the echo is up when a probe comes back
    const probe = dgram.createSocket('udp4');
    let echoed = false;
    probe.on('message', () => (echoed = true));
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    try {
      for (let i = 0; i < 100 && !echoed; i++) {
        const packet = Buffer.alloc(172);
        packet[0] = 0x80;
        probe.send(packet, mediaPort, '127.0.0.1');
        await sleep(50);
      }
    } finally {
      probe.close();
    }
    assert.ok(echoed, 'sipp echoes RTP');
  });

  after(() => {
    session?.close();
    if (sipp && sipp.exitCode === null) sipp.kill('SIGTERM');
  });

  it('gets its tone and its digits back through the echo', async () => {
    const s = (session = await RtpSession.open({ bindAddress: '127.0.0.1' }));
    s.createOffer();
    s.acceptAnswer(
      [
        'v=0',
        'o=sipp 1 1 IN IP4 127.0.0.1',
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${mediaPort} RTP/AVP 8 101`,
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        '',
      ].join('\r\n'),
    );
    const heard: Int16Array[] = [];
    const input = s.audioIn();
    input.start((pcm) => heard.push(Int16Array.from(pcm)));
    const digits: string[] = [];
    s.onDigit = (d) => digits.push(d);
    const out = s.audioOut();
    const writes: Array<Promise<boolean>> = [];
    for (let f = 0; f < 25; f++) {
      const pcm = new Int16Array(160);
      for (let i = 0; i < 160; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 800 * (f * 160 + i)) / 8000));
      writes.push(out.write(pcm));
    }
    assert.ok((await Promise.all(writes)).every(Boolean));
    await s.sendDigits('1#9', 60);
    await waitFor('the echoed digits', () => digits.length >= 3);
    await sleep(100);
    input.close();
    assert.deepEqual(digits, ['1', '#', '9']);
    const loud = heard.filter((f) => {
      let sum = 0;
      for (const x of f) sum += x * x;
      return Math.sqrt(sum / f.length) > 1000;
    });
    assert.equal(loud.length, 25, 'every frame came back once');
    let crossings = 0;
    const pcm = new Int16Array(loud.length * 160);
    loud.forEach((f, i) => pcm.set(f, i * 160));
    for (let i = 1; i < pcm.length; i++) if (pcm[i - 1] < 0 !== pcm[i] < 0) crossings++;
    const hz = crossings / 2 / (pcm.length / 8000);
    assert.ok(Math.abs(hz - 800) < 16, `${hz} Hz`);
    assert.equal(s.stats.latched, 0, 'the echo comes from the port the SDP names');
  });
});
