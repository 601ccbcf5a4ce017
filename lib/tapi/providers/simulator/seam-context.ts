// What the seam's call-control and signal functions (seam-switching.ts, seam-signals.ts) need from the
// SimulatorProvider: its session, handle lookups, injected failures, request ids and call ids.
import type { Exchange } from './exchange';
import type { SimCallHandle, SimLine } from './exchange-call';
import type { SimulatedFunction } from './failures';
import type { SimDevice } from './devices';

export interface SeamContext {
  session(op: string): Exchange;
  handle(hCall: number, op: string): SimCallHandle;
  device(deviceId: number, op: string): SimDevice;
  checkVersion(deviceId: number, apiVersion: number, op: string): void;
  /** A failNext for `op`: thrown when synchronous, returned when it goes into the LINE_REPLY. */
  injected(op: SimulatedFunction): { value: number } | undefined;
  /** Queues the LINE_REPLY (honouring replyBeforeReturn) and returns the request id. */
  reply(line: SimLine, result: number, newCall?: number): number;
  nextCallId(): number;
  appName(): string;
}
