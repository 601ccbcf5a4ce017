// The mode a line sees of a call's state, by the TAPI version it was opened with.
import { LINECALLSTATE as S, LINECONNECTEDMODE, TAPI_VERSION } from '../../constants';

/** LINECONNECTEDMODE_ACTIVEHELD exists from TAPI 2.0 on; a line opened with 1.x sees such a call as ACTIVE. */
export function modeFor(apiVersion: number, state: number, mode: number): number {
  if (state !== S.CONNECTED || apiVersion >= TAPI_VERSION.V2_0 || !(mode & LINECONNECTEDMODE.ACTIVEHELD)) return mode;
  return LINECONNECTEDMODE.ACTIVE;
}
