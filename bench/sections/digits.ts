// Section 2c, digits: far-end key press -> 'digit' event on the call (lib/tapi), against far-end hang-up ->
// 'state' event of the same calls in the same run (the call-state path the digits share: provider queue,
// message table, the batch outbox). Simulator at timeScale 0; --kind=win32 over the fake Tapi32 once it has
// the issue-12 controls. Per call: DIGITS_PER_CALL digits one at a time, then one hang-up.
import { loadFakeControl } from '../../test/helpers/fake-tapi32';
import { libCallUp, libSetup, type ProviderKind } from '../lib/drivers';
import { log, section } from '../lib/section';
import { summary } from '../lib/stats';
import type { DigitEvent, OpenedTapi } from '../../lib/tapi';

export interface DigitsRun {
  digit: { p50: number; p99: number; max: number; n: number };
  state: { p50: number; p99: number; max: number; n: number };
}

export interface DigitsResult {
  kind: ProviderKind;
  runs: DigitsRun[];
}

const DIGITS_PER_CALL = 8;

function farEnd(kind: ProviderKind, tapi: OpenedTapi): { press(h: number): void; hangUp(h: number): void } {
  if (kind === 'simulator') {
    const sim = tapi.simulator!;
    return { press: (h) => sim.remoteDigits(h, '5', { interDigitMs: 0 }), hangUp: (h) => void sim.remoteHangup(h, 'NORMAL') };
  }
  const fake = loadFakeControl();
  return { press: (h) => void fake.remoteDigits(h, '5'), hangUp: (h) => void fake.remoteHangup(h, 'NORMAL') };
}

const us = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1000;

async function once(kind: ProviderKind, calls: number): Promise<DigitsRun> {
  if (kind === 'win32') loadFakeControl().setTimeScale(0);
  const { tapi, lines } = await libSetup(kind);
  const far = farEnd(kind, tapi as OpenedTapi);
  const digit: number[] = [];
  const state: number[] = [];
  for (let i = 0; i < calls; i++) {
    const call = await libCallUp(lines[0]);
    call.monitorDigits(['dtmf']);
    for (let k = 0; k < DIGITS_PER_CALL; k++) {
      const heard = new Promise<DigitEvent>((resolve) => call.once('digit', resolve));
      const t0 = process.hrtime.bigint();
      far.press(call.handle);
      await heard;
      digit.push(us(t0));
    }
    const ended = call.waitFor(['disconnected']);
    const t0 = process.hrtime.bigint();
    far.hangUp(call.handle);
    await ended;
    state.push(us(t0));
    await call.release();
  }
  await tapi.shutdown();
  return { digit: summary(digit), state: summary(state) };
}

section(async (args) => {
  const runs = Number(args.runs ?? 5);
  const kind = (args.kind ?? 'simulator') as ProviderKind;
  const calls = Number(args.calls ?? 300);
  await once(kind, Math.min(50, calls)); // warm-up
  const result: DigitsResult = { kind, runs: [] };
  for (let r = 0; r < runs; r++) {
    const run = await once(kind, calls);
    result.runs.push(run);
    log(
      `${kind} run ${r + 1}/${runs}: digit p50 ${run.digit.p50.toFixed(1)} / p99 ${run.digit.p99.toFixed(1)} µs, call state p50 ${run.state.p50.toFixed(1)} / p99 ${run.state.p99.toFixed(1)} µs`,
    );
  }
  return result;
});
