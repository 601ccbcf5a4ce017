// Shared steps of the contract suites (provider-agnostic: lib/tapi's public surface and the harness).
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { TapiError, type Call, type Line, type Tapi } from '../../lib/tapi';
import type { HarnessCapabilities, ProviderHarness } from '../harness/types';

export const WAIT_MS = 10_000;

export async function rejectsWith(promise: Promise<unknown>, code: string, operation?: string): Promise<TapiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TapiError, `expected a TapiError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (operation) assert.equal(error.operation, operation);
    assert.ok(error.value >= 0x80000000, 'value is the unsigned LINEERR number');
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

export function throwsWith(fn: () => unknown, code: string, operation?: string): TapiError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TapiError, `expected a TapiError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (operation) assert.equal(error.operation, operation);
    return error;
  }
  assert.fail(`expected ${code}, but it returned`);
}

/** A refusal names the call's state and what it can do now. */
export function namesStateAndFeatures(error: TapiError, state: string): void {
  assert.match(error.message, new RegExp(`\\b${state}\\b`), error.message);
  assert.match(error.message, /can now: /, error.message);
}

export const tick = () => new Promise((r) => setImmediate(r));

/** Resolves with the first `count` emissions of `event` (their first argument, or all arguments with `all`). */
export function collect<T = unknown>(emitter: EventEmitter, event: string, count: number, timeoutMs = WAIT_MS): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const seen: T[] = [];
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`${event}: ${seen.length} of ${count} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (value: T) => {
      seen.push(value);
      if (seen.length === count) {
        clearTimeout(timer);
        emitter.off(event, on);
        resolve(seen);
      }
    };
    emitter.on(event, on);
  });
}

/** The next call the line announces ('call'), or a clear failure after WAIT_MS. */
export function nextCall(line: Line): Promise<Call> {
  const next = collect<Call>(line, 'call', 1).then(([call]) => call);
  next.catch(() => undefined); // a test that fails before awaiting it leaves no unhandled rejection behind
  return next;
}

export async function connected(line: Line, number = '5550100'): Promise<Call> {
  const call = await line.makeCall(number);
  await call.waitFor(['connected'], WAIT_MS);
  await tick();
  return call;
}

/** An incoming call on `line` (opened as owner), offering. */
export async function offered(harness: ProviderHarness, tapi: Tapi, line: Line, options: { digits?: string } = {}): Promise<Call> {
  const announced = nextCall(line);
  harness.presentIncomingCall(tapi, { deviceId: line.deviceId, callerId: '5550199', ...options });
  const call = await announced;
  await call.waitFor(['offering'], WAIT_MS);
  await tick();
  return call;
}

export function statesOf(call: Call): string[] {
  return call.history.map((e) => e.state);
}

/** The harness has every capability in `needs` (absent = true). */
export function can(harness: ProviderHarness, ...needs: Array<keyof HarnessCapabilities>): boolean {
  return needs.every((n) => harness.capabilities?.[n] !== false);
}

/** it(), or a skip whose title says which capability the provider under test lacks. */
export function itWith(
  harness: ProviderHarness,
  needs: Array<keyof HarnessCapabilities>,
  title: string,
  fn: Mocha.Func | Mocha.AsyncFunc,
): void {
  const missing = needs.filter((n) => harness.capabilities?.[n] === false);
  if (missing.length === 0) it(title, fn);
  else it.skip(`${title} [not on ${harness.name}: needs ${missing.join(', ')}]`, fn);
}
