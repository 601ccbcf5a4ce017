// What the seam receives as a destination (lineMakeCall, lineDial, lineRedirect, lineBlindTransfer) -> the SIP
// request URI. The dial policy above the seam has judged the string already; this only translates it:
//  * a dialable number (tapi-reference.md §7) -> the digits the network would see (digitsOf: formatting and
//    dialling modifiers removed) as the user part on the account's domain: "+1 (206) 555-1234" ->
//    sip:+12065551234@domain, "**610" -> sip:**610@domain ("#" is escaped as %23);
//  * a sip: / sips: URI -> as sip-address.ts reads it (the reader the dial policy uses): a host, no password,
//    no ?headers (they would let a flow add Replaces / Route / any header to our INVITE), known parameters only;
//  * anything else (tel:, several destinations, a subaddress, no digit at all) -> LINEERR_INVALADDRESS.
import { digitsOf, validateDialable, type DialCapabilities } from '../../address';
import { TapiError } from '../../errors';
import { parseSipDestination } from '../../sip-address';

/** What a SIP line dials: no $ @ W (nothing waits for tones on SIP); a trailing ";" is collected locally. */
export const SIP_DIAL_CAPS: DialCapabilities = { dialBilling: false, dialQuiet: false, dialDialtone: false, partialDial: true };

export interface DialledPart {
  /** 0-9 A-D * # and a leading + (or '' for a partial number with nothing in it yet). */
  digits: string;
  /** Ends in ";": more follows with lineDial. */
  partial: boolean;
  /** The `^name` of the destination, if any. */
  name?: string;
}

export interface SipTarget {
  /** The request URI. */
  uri: string;
  /** What LINECALLINFO reports as the called id: the digits, or the URI as given. */
  calledId: string;
  calledIdName?: string;
}

function invalid(op: string, detail: string): TapiError {
  return TapiError.of('INVALADDRESS', op, detail);
}

export function isSipUri(address: string): boolean {
  return /^sips?:/i.test(address);
}

/** A dialable number (not a URI) as digits; throws the LINEERR that validateDialable gives. */
export function dialledPart(address: string, op: string): DialledPart {
  const parsed = validateDialable(address, SIP_DIAL_CAPS, op);
  if (parsed.destinations.length !== 1) throw invalid(op, 'a SIP call has exactly one destination');
  const dest = parsed.destinations[0];
  if (dest.subaddress !== undefined) throw invalid(op, 'a SIP line has no subaddress ("|")');
  return { digits: digitsOf(dest.number), partial: parsed.partial, name: dest.name };
}

/** Digits (complete) on the account's domain (host[:port]). */
export function digitsUri(digits: string, domain: string, op: string): string {
  if (!/[0-9A-D*#]/.test(digits)) throw invalid(op, 'the number has no digit');
  return `sip:${digits.replace(/#/g, '%23')}@${domain}`;
}

/** A complete destination -> the request URI on `domain` (host[:port] of the account). */
export function sipTarget(address: string, domain: string, op: string): SipTarget {
  if (typeof address !== 'string' || address === '') throw invalid(op, 'a destination is required');
  if (isSipUri(address)) {
    // The same strict reader the dial policy judged the URI with; what it judged (canonical form) is what is sent.
    const uri = parseSipDestination(address, op).uri;
    return { uri, calledId: uri };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(address) && !/^[0-9]/.test(address)) {
    throw invalid(op, `only digits and sip: / sips: URIs are dialled on a SIP line, not "${address.split(':')[0]}:"`);
  }
  const part = dialledPart(address, op);
  if (part.partial) throw invalid(op, 'a partial number (trailing ";") cannot be dialled here');
  return { uri: digitsUri(part.digits, domain, op), calledId: part.digits, calledIdName: part.name };
}
