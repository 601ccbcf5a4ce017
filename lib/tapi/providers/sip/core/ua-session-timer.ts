// RFC 4028 session timers, kept simple: we never ask for them, we honour them. Whoever the Session-Expires
// `refresher` names refreshes; when it is us, a refresh (UPDATE if the peer allows it, else re-INVITE with the
// same SDP) goes out at half the interval; when it is the peer and no refresh arrives by
// interval - min(32 s, interval / 3), the dialog is ended with a BYE. Intervals below Min-SE 90 s get a 422.
import { header, headerValues, parseParams } from './headers';
import type { SipMessage, SipRequest } from './types';

export const MIN_SE = 90;

export interface SessionExpires {
  interval: number;
  refresher?: 'uac' | 'uas';
}

export function parseSessionExpires(message: SipMessage): SessionExpires | undefined {
  const value = header(message, 'session-expires');
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  const interval = Number((semi < 0 ? value : value.slice(0, semi)).trim());
  if (!Number.isInteger(interval) || interval <= 0) return undefined;
  const refresher = semi < 0 ? undefined : parseParams(value.slice(semi)).refresher?.toLowerCase();
  return { interval, refresher: refresher === 'uac' || refresher === 'uas' ? refresher : undefined };
}

export function supportsTimer(message: SipMessage): boolean {
  return [...headerValues(message, 'supported'), ...headerValues(message, 'require')].some((v) => v.trim().toLowerCase() === 'timer');
}

/**
 * The UAS side of a session-refreshing request: what to answer (the Session-Expires value for our 2xx and whether
 * to Require timer) and who refreshes. Undefined when the request asks for no session timer.
 */
export function negotiateAsUas(
  request: SipRequest,
): { headerValue: string; require: boolean; interval: number; weRefresh: boolean } | undefined {
  const se = parseSessionExpires(request);
  if (!se) return undefined;
  const peerSupports = supportsTimer(request);
  // A UAC that supports timers refreshes unless it asked otherwise; one that does not cannot, so we do.
  const refresher = se.refresher ?? (peerSupports ? 'uac' : 'uas');
  return {
    headerValue: `${se.interval};refresher=${refresher}`,
    require: peerSupports && refresher === 'uac',
    interval: se.interval,
    weRefresh: refresher === 'uas',
  };
}

/** The UAC side: from the 2xx to our INVITE / UPDATE. */
export function negotiateAsUac(response: SipMessage): { interval: number; weRefresh: boolean } | undefined {
  const se = parseSessionExpires(response);
  if (!se) return undefined;
  return { interval: se.interval, weRefresh: se.refresher !== 'uas' };
}

/** When the side that does not refresh gives up (RFC 4028 §10), in ms. */
export function expiryMs(interval: number): number {
  return (interval - Math.min(32, interval / 3)) * 1000;
}
