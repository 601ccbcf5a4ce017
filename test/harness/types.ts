// A provider under test: how the contract suite reaches it and its test controls.
import type { OpenTapiOptions, Tapi } from '../../lib/tapi';

export interface ProviderHarness {
  name: string;
  /** False when the provider cannot run here (the suite is then reported as a failure, not skipped). */
  available(): boolean;
  tapiOptions(): OpenTapiOptions;
  presentIncomingCall(
    tapi: Tapi,
    options: { deviceId?: number; callerId?: string; callerIdName?: string; calledId?: string; digits?: string },
  ): void;
  // Issue 12: the far end of a call and what it heard. Same control names on every provider
  // (tapi.simulator and the fake Tapi32's typed wrapper, test/helpers/fake-tapi32.ts).
  /** The far end presses keys (interDigitMs 0 = all at once, one message batch). */
  remoteDigits(tapi: Tapi, call: { handle: number }, digits: string, options?: { interDigitMs?: number; mode?: 'dtmf' | 'pulse' }): void;
  /** What our side generated on the call: digits completely sent, and tones. */
  generated(
    tapi: Tapi,
    call: { handle: number },
  ): { digits: string; tones: Array<{ tone: string; frequencies: number[]; durationMs: number; ended?: string }> };
  /** The far end plays a tone of these frequencies. */
  remoteTone(tapi: Tapi, call: { handle: number }, frequencies: number[]): void;
  /** The far end's media is detected as `mediaMode` (a LINEMEDIAMODE name). */
  remoteMedia(tapi: Tapi, call: { handle: number }, mediaMode: string): void;
  remoteHangup(tapi: Tapi, call: { handle: number }, mode?: string): void;
  /** Makes the next async function deliver its LINE_REPLY before it returns its request id. */
  replyBeforeReturn(tapi: Tapi): void;
  /** Makes the next call of `fn` fail with `lineErr` ('LINEERR_RESOURCEUNAVAIL'), synchronously or in its LINE_REPLY. */
  failNext(tapi: Tapi, fn: string, lineErr: string, async: boolean): void;
  /** The provider sends LINE_LINEDEVSTATE(REINIT) (dwParam2 0): TAPI's configuration changed. */
  triggerReinit(tapi: Tapi): void;
  /** The provider closes the line by itself (LINE_CLOSE). */
  forceLineClose(tapi: Tapi, hLine: number): void;
  /** What the provider still holds. */
  outstanding(tapi: Tapi): { lines: number; calls: number; requests: number };
  reset(): void;
}
