// Section sip: the SIP provider over loopback, each figure beside the simulator's of the same run.
//   calls/s      complete calls (INVITE … 200 … ACK … BYE … 200) through lib/tapi against SIPp answering
//                (test/sip/uas-answer.xml, UDP), CONCURRENCY in flight; the simulator's the same way
//   digits       generateDigits('5') on one SIP line -> 'digit' event on a second SIP line it called (RFC 4733 over
//                loopback RTP, both ends ours); the simulator's far-end digit -> 'digit' event
//   memory       heap per call with HELD calls connected to SIPp at once (--expose-gc), vs the simulator's
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

async function sipDigits(count: number): Promise<number[]> {
  const portB = await freePortBlock(1);
  const tapi = await sipTapi([
    { user: '1000', port: await freePortBlock(1) },
    { user: '2000', port: portB },
  ]);
  try {
    const a = await tapi.openLine(0, { privileges: 'owner' });
    const b = await tapi.openLine(1, { privileges: 'owner' });
    const offered = new Promise<Call>((resolve) => b.once('call', resolve));
    const out = await a.makeCall(`sip:2000@127.0.0.1:${portB}`);
    const incoming = await offered;
    await incoming.waitFor(['offering'], 20000);
    await incoming.answer();
    await Promise.all([incoming.waitFor(['connected'], 20000), out.waitFor(['connected'], 20000)]);
    incoming.monitorDigits(['dtmf']);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const heard = new Promise<DigitEvent>((resolve) => incoming.once('digit', resolve));
      const t0 = process.hrtime.bigint();
      const sent = out.generateDigits('5');
      await heard;
      samples.push(us(t0));
      await sent;
    }
    await out.drop();
    return samples;
  } finally {
    await tapi.shutdown();
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
  const sipD = summary(await sipDigits(40));
  const simD = summary(await simDigits(200));
  result.sipDigitUs = { p50: sipD.p50, p99: sipD.p99, n: sipD.n };
  result.simDigitUs = { p50: simD.p50, p99: simD.p99, n: simD.n };
  log(`sip digits p50 ${sipD.p50.toFixed(0)} µs / p99 ${sipD.p99.toFixed(0)} µs; simulator p50 ${simD.p50.toFixed(1)} µs`);
  result.sipBytesPerCall = await sipMemory(held);
  result.simBytesPerCall = await simMemory(held);
  log(`sip heap per connected call ${result.sipBytesPerCall.toFixed(0)} B; simulator ${result.simBytesPerCall.toFixed(0)} B`);
  return result;
});
