// Section sip: the SIP provider over loopback, each figure beside the simulator's of the same run.
//   calls/s      complete calls (INVITE … 200 … ACK … BYE … 200) through lib/tapi against SIPp answering
//                (test/sip/uas-answer.xml, UDP), CONCURRENCY in flight; the simulator's the same way
//   digits       an RFC 4733 event for '5' sent by a raw far end (a UDP socket calling the line, its packets written
//                here) -> 'digit' event on the answered call; the simulator's far-end digit -> 'digit' event
//   memory       heap per call with HELD calls connected to SIPp at once (--expose-gc), vs the simulator's
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { openTapi, type Call, type DigitEvent, type Line, type OpenedTapi, type Tapi } from '../../lib/tapi';
import { freePortBlock, Sipp } from '../../test/helpers/sipp';
import { libCall, libCallUp, libSetup } from '../lib/drivers';
import { log, section } from '../lib/section';
import { summary } from '../lib/stats';

export interface SipBenchResult {
  calls: number;
  concurrency: number;
  sipCallsPerS: number[];
  simCallsPerS: number[];
  sipDigitUs: { p50: number; p99: number; n: number };
  simDigitUs: { p50: number; p99: number; n: number };
  held: number;
  sipBytesPerCall: number;
  simBytesPerCall: number;
}

const CONCURRENCY = 4;

async function sipTapi(accounts: { user: string; port: number }[]): Promise<Tapi> {
  return openTapi({
    provider: 'sip',
    appName: 'bench',
    sip: {
      accounts: accounts.map((a) => ({
        uri: `sip:${a.user}@127.0.0.1`,
        register: false,
        bindAddress: '127.0.0.1',
        localPort: a.port,
        transport: 'udp',
        acceptOnlyFromRegistrar: false,
        name: `SIP ${a.user}`,
        maxCalls: 64,
      })),
    },
  } as any);
}

async function sipCall(line: Line, target: string): Promise<void> {
  const call = await line.makeCall(target);
  await call.waitFor(['connected'], 20000);
  await call.drop();
  await call.waitFor(['idle'], 20000);
  call.deallocate();
}

async function rate(n: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) await one();
    }),
  );
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function sipRate(n: number): Promise<number> {
  const uas = await Sipp.start({ scenario: 'uas-answer.xml', calls: n, timeoutS: 120 });
  const tapi = await sipTapi([{ user: '1000', port: await freePortBlock(1) }]);
  try {
    const line = await tapi.openLine(0, { privileges: 'owner' });
    const perS = await rate(n, () => sipCall(line, `sip:2000@${uas.endpoint}`));
    await uas.passed(60000);
    return perS;
  } finally {
    await tapi.shutdown();
    await uas.stop();
  }
}

async function simRate(n: number): Promise<number> {
  const { tapi, lines } = await libSetup('simulator');
  try {
    return await rate(n, () => libCall(lines[0]));
  } finally {
    await tapi.shutdown();
  }
}

const us = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1000;

/** A far end of a few lines: calls the SIP line from a UDP socket, ACKs its 200, and writes RTP by hand. */
async function rawCaller(linePort: number) {
  const sip = dgram.createSocket('udp4');
  const rtp = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sip.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
  const me = sip.address().port;
  const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
  const target = `sip:2000@127.0.0.1:${linePort}`;
  const common = (method: string, cseq: number, toTag = '') => [
    `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    `From: <sip:3000@127.0.0.1:${me}>;tag=bench`,
    `To: <${target}>${toTag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:3000@127.0.0.1:${me}>`,
    'Max-Forwards: 70',
  ];
  const send = (lines: string[], body = '') =>
    sip.send([...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'), linePort, '127.0.0.1');
  const answered = new Promise<{ port: number; toTag: string }>((resolve) => {
    sip.on('message', (data) => {
      const text = data.toString('latin1');
      if (!/^SIP\/2\.0 200/.test(text) || !/CSeq: *1 INVITE/i.test(text)) return;
      const toTag = /\r\nTo:[^\r]*;tag=([^;\r]+)/i.exec(text)?.[1] ?? '';
      resolve({ port: Number(/m=audio (\d+)/.exec(text)?.[1]), toTag });
    });
  });
  const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
  sdp.push(`m=audio ${rtp.address().port} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', '');
  send([`INVITE ${target} SIP/2.0`, ...common('INVITE', 1), 'Content-Type: application/sdp'], sdp.join('\r\n'));
  let seq = 1;
  let timestamp = 8000;
  return {
    async connected() {
      const { port, toTag } = await answered;
      send([`ACK ${target} SIP/2.0`, ...common('ACK', 1, toTag)]);
      return port;
    },
    /** One telephone-event for digit 5: the start packet (marker) and the end packet three times. */
    digit(port: number) {
      timestamp += 1600;
      for (const [marker, end, copies] of [
        [true, false, 1],
        [false, true, 3],
      ] as const) {
        for (let c = 0; c < copies; c++) {
          const packet = Buffer.alloc(16);
          packet[0] = 0x80;
          packet[1] = (marker ? 0x80 : 0) | 101;
          packet.writeUInt16BE(seq++ & 0xffff, 2);
          packet.writeUInt32BE(timestamp >>> 0, 4);
          packet.writeUInt32BE(0x4733, 8);
          packet[12] = 5;
          packet[13] = (end ? 0x80 : 0) | 10;
          packet.writeUInt16BE(end ? 800 : 160, 14);
          rtp.send(packet, port, '127.0.0.1');
        }
      }
    },
    close() {
      sip.close();
      rtp.close();
    },
  };
}

async function sipDigits(count: number): Promise<number[]> {
  const port = await freePortBlock(1);
  const tapi = await sipTapi([{ user: '2000', port }]);
  const line = await tapi.openLine(0, { privileges: 'owner' });
  const offered = new Promise<Call>((resolve) => line.once('call', resolve));
  const far = await rawCaller(port);
  try {
    const call = await offered;
    await call.waitFor(['offering'], 20000);
    await call.answer();
    const rtpPort = await far.connected();
    await call.waitFor(['connected'], 20000);
    call.monitorDigits(['dtmf']);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const heard = new Promise<DigitEvent>((resolve) => call.once('digit', resolve));
      const t0 = process.hrtime.bigint();
      far.digit(rtpPort);
      await heard;
      samples.push(us(t0));
    }
    return samples;
  } finally {
    await tapi.shutdown();
    far.close();
  }
}

async function simDigits(count: number): Promise<number[]> {
  const { tapi, lines } = await libSetup('simulator');
  try {
    const call = await libCallUp(lines[0]);
    call.monitorDigits(['dtmf']);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const heard = new Promise<DigitEvent>((resolve) => call.once('digit', resolve));
      const t0 = process.hrtime.bigint();
      (tapi as OpenedTapi).simulator!.remoteDigits(call.handle, '5', { interDigitMs: 0 });
      await heard;
      samples.push(us(t0));
    }
    return samples;
  } finally {
    await tapi.shutdown();
  }
}

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function sipMemory(held: number): Promise<number> {
  const uas = await Sipp.start({ scenario: 'uas-answer.xml', calls: held, timeoutS: 120 });
  const tapi = await sipTapi([{ user: '1000', port: await freePortBlock(1) }]);
  try {
    const line = await tapi.openLine(0, { privileges: 'owner' });
    await sipCall(line, `sip:2000@${uas.endpoint}`); // warm-up: code paths and sockets
    const before = heap();
    const calls: Call[] = [];
    for (let i = 0; i < held - 1; i++) {
      const call = await line.makeCall(`sip:2000@${uas.endpoint}`);
      await call.waitFor(['connected'], 20000);
      calls.push(call);
    }
    const perCall = (heap() - before) / calls.length;
    for (const call of calls) await call.drop();
    return perCall;
  } finally {
    await tapi.shutdown();
    await uas.stop();
  }
}

async function simMemory(held: number): Promise<number> {
  const { tapi, lines } = await libSetup('simulator', { devices: 1, appearances: held + 1 });
  try {
    await libCall(lines[0]);
    const before = heap();
    const calls: Call[] = [];
    for (let i = 0; i < held - 1; i++) calls.push(await libCallUp(lines[0]));
    return (heap() - before) / calls.length;
  } finally {
    await tapi.shutdown();
  }
}

section(async (args) => {
  const runs = Number(args.runs ?? 3);
  const calls = Number(args.calls ?? 200);
  const held = Number(args.held ?? 50);
  const result: SipBenchResult = {
    calls,
    concurrency: CONCURRENCY,
    sipCallsPerS: [],
    simCallsPerS: [],
    sipDigitUs: { p50: 0, p99: 0, n: 0 },
    simDigitUs: { p50: 0, p99: 0, n: 0 },
    held,
    sipBytesPerCall: 0,
    simBytesPerCall: 0,
  };
  for (let r = 0; r < runs; r++) {
    result.sipCallsPerS.push(await sipRate(calls));
    result.simCallsPerS.push(await simRate(calls));
    log(
      `sip run ${r + 1}/${runs}: ${result.sipCallsPerS[r].toFixed(0)} calls/s over SIP, ${result.simCallsPerS[r].toFixed(0)} on the simulator`,
    );
  }
  const sipD = summary(await sipDigits(200));
  const simD = summary(await simDigits(200));
  result.sipDigitUs = { p50: sipD.p50, p99: sipD.p99, n: sipD.n };
  result.simDigitUs = { p50: simD.p50, p99: simD.p99, n: simD.n };
  log(`sip digits p50 ${sipD.p50.toFixed(0)} µs / p99 ${sipD.p99.toFixed(0)} µs; simulator p50 ${simD.p50.toFixed(1)} µs`);
  result.sipBytesPerCall = await sipMemory(held);
  result.simBytesPerCall = await simMemory(held);
  log(`sip heap per connected call ${result.sipBytesPerCall.toFixed(0)} B; simulator ${result.simBytesPerCall.toFixed(0)} B`);
  return result;
});
