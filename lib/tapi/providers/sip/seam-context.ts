// What the seam's files (sip-provider.ts, sip-seam-control.ts, sip-seam-signals.ts, sip-media-seam.ts) share:
// the running session and the checks every function starts with.
import type { CallHandle, OpenLine } from './sip-call';
import type { SipDevice } from './sip-device';
import type { SipSession } from './session';

export interface SeamContext {
  /** The running session, or LINEERR_UNINITIALIZED. */
  session(op: string): SipSession;
  /** A call handle of this session, or LINEERR_INVALCALLHANDLE. */
  handle(hCall: number, op: string): CallHandle;
  /** As handle(), and the handle has OWNER privilege (else LINEERR_NOTOWNER). */
  owned(hCall: number, op: string): CallHandle;
  line(hLine: number, op: string): OpenLine;
  device(deviceId: number, op: string): SipDevice;
  checkVersion(deviceId: number, apiVersion: number, op: string): void;
}
