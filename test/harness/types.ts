// A provider under test: how the contract suite reaches it and its test controls.
import type { OpenTapiOptions, Tapi } from '../../lib/tapi';

/**
 * What the provider under test can do, for the contract cases that need it (absent = true). A case whose
 * capability is false is reported as skipped with the reason in its title.
 */
export interface HarnessCapabilities {
  /** The simulator's two devices ("Simulated Line 1", the analog line with its $ @ W / pulse limits). */
  simulatedLines?: boolean;
  /** Test numbers that end unreachable (5550104) or with special information (5550105). */
  scriptedFailures?: boolean;
  /** replyBeforeReturn(): a LINE_REPLY before the request id is returned. */
  replyBeforeReturn?: boolean;
  /** failNext(): a provider function made to fail. */
  failNext?: boolean;
  /** triggerReinit(): LINEDEVSTATE_REINIT. */
  reinit?: boolean;
  /** forceLineClose(): LINE_CLOSE on demand. */
  forceLineClose?: boolean;
  /** setupTransfer / completeTransfer / swapHold / conference. */
  consultationTransfer?: boolean;
  /** generateTone / monitorTones. */
  tones?: boolean;
  /** monitorMedia detections. */
  mediaDetection?: boolean;
  /** Pulse digits. */
  pulseDigits?: boolean;
  /** Caller ids keep their formatting ("+1 (206) 555-0199"); SIP carries the digits. */
  formattedCallerIds?: boolean;
  /** remoteDigits({ interDigitMs: 0 }) arrives in one message batch (RTP events take real time). */
  sameBatchDigits?: boolean;
}

export interface ProviderHarness {
  name: string;
  capabilities?: HarnessCapabilities;
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
