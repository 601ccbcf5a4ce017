// Who calls and who is called, from an incoming INVITE: the caller from P-Asserted-Identity (RFC 3325, the
// identity the network vouches for) and else From; the called party from P-Called-Party-ID (RFC 3455, what the
// caller dialled, e.g. one of several numbers of a Fritz!Box account) and else To.
//
// The id is what a flow dials back: the user part when it is a number (digits, + * #, from sip: or tel:),
// otherwise the URI without parameters (sip:alice@example.com). An anonymous caller (RFC 3323 Privacy: id or
// header, or the anonymous@anonymous.invalid From of RFC 3261 §8.1.1.3) is reported BLOCKED with no id.
import { LINECALLPARTYID } from '../../constants';
import type { SipMessage, SipRequest } from './core/types';
import { headerValue, headerValuesOf, parseNameAddr, type NameAddr } from './name-addr';
import { printable } from './sip-text';
import { uriParts, unescapeUser } from './uri-parts';

export interface PartyId {
  id: string;
  name: string;
  /** LINECALLPARTYID_*. */
  flags: number;
}

const NUMBER = /^\+?[0-9A-Da-d*#]+$/;
const VISUAL = /[-.()]/g;

/** The dial-back id of a URI: the number for a numeric user part or tel:, else the URI without parameters. */
export function idOfUri(uri: string): string {
  if (/^tel:/i.test(uri)) {
    const number = uri.slice(4).split(';')[0].replace(VISUAL, '');
    return printable(NUMBER.test(number) ? number : uri.slice(4).split(';')[0]);
  }
  const parts = uriParts(uri);
  if (!parts) return printable(uri.split(';')[0]);
  const user = parts.user === undefined ? undefined : unescapeUser(parts.user);
  if (user !== undefined && NUMBER.test(user.replace(VISUAL, ''))) return user.replace(VISUAL, '');
  const hostport = parts.port === undefined ? parts.host : `${parts.host}:${parts.port}`;
  return printable(`${parts.scheme}:${user !== undefined ? `${parts.user}@` : ''}${hostport}`);
}

function isAnonymous(na: NameAddr): boolean {
  const parts = uriParts(na.uri);
  if (!parts) return false;
  return parts.host.toLowerCase() === 'anonymous.invalid' || parts.user?.toLowerCase() === 'anonymous';
}

function party(na: NameAddr | undefined): PartyId {
  if (!na) return { id: '', name: '', flags: LINECALLPARTYID.UNKNOWN };
  const id = idOfUri(na.uri);
  const name = printable(na.displayName ?? '', 64);
  const flags = (id ? LINECALLPARTYID.ADDRESS : 0) | (name ? LINECALLPARTYID.NAME : 0);
  return { id, name, flags: flags || LINECALLPARTYID.UNKNOWN };
}

/** The first parseable name-addr among the values of `names`, in that order of preference. */
function firstOf(request: SipMessage, names: string[]): NameAddr | undefined {
  for (const name of names) {
    for (const value of headerValuesOf(request, name)) {
      const na = parseNameAddr(value);
      if (na) return na;
    }
  }
  return undefined;
}

function privacyRequested(request: SipMessage): boolean {
  const privacy = headerValuesOf(request, 'privacy').join(';').toLowerCase();
  return privacy.split(/[;,\s]+/).some((p) => p === 'id' || p === 'header' || p === 'user');
}

export function callerIdOf(request: SipRequest): PartyId {
  const na = firstOf(request, ['p-asserted-identity', 'from']);
  if (privacyRequested(request) || (na && isAnonymous(na))) return { id: '', name: '', flags: LINECALLPARTYID.BLOCKED };
  return party(na);
}

export function calledIdOf(request: SipRequest): PartyId {
  return party(firstOf(request, ['p-called-party-id', 'to']));
}

/** Who answered an outgoing call: the 2xx's P-Asserted-Identity, else its To. */
export function connectedIdOf(response: SipMessage): PartyId {
  if (privacyRequested(response)) return { id: '', name: '', flags: LINECALLPARTYID.BLOCKED };
  return party(firstOf(response, ['p-asserted-identity', 'to']));
}

/** The display name of a header value (e.g. the To of a 200), '' when none. */
export function displayNameOf(value: string | undefined): string {
  return printable(parseNameAddr(value ?? '')?.displayName ?? '', 64);
}

export { headerValue };
