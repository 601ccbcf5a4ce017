// A provider under test: how the contract suite reaches it and its test controls.
import type { OpenTapiOptions, Tapi } from '../../lib/tapi';

export interface ProviderHarness {
  name: string;
  /** False when the provider cannot run here (the suite is then reported as a failure, not skipped). */
  available(): boolean;
  tapiOptions(): OpenTapiOptions;
  presentIncomingCall(
    tapi: Tapi,
    options: { deviceId?: number; callerId?: string; callerIdName?: string; calledId?: string },
  ): void;
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
