// Dialable addresses (tapi-reference.md §7): parse, validate against a line's capabilities, and reduce
// to the digits that actually reach the network.
//
// Grammar (§7.1):  DialableNumber [ "|" Subaddress ] [ "^" Name ] [ CRLF DialableNumber ... ]
//
// Choices made where Microsoft's text leaves room (each one enforced and tested):
//  * The whole string may be at most MAX_ADDRESS_LENGTH (256) UTF-16 code units. TAPIMAXDESTADDRESSSIZE (80)
//    is an assisted-telephony limit and real dial strings with calling-card sequences can be longer.
//  * The empty string is not an address (INVALADDRESS). Callers that want "dial tone, no digits" pass null to
//    lineMakeCall or use a lone ";" (a partial number with nothing in it yet), which IS accepted.
//  * A complete DialableNumber must contain at least one character that is not formatting
//    (space . - ( )). Only a partial number (ending in ";") may be empty.
//  * "+" is accepted only as the first character of a DialableNumber: it means "fully qualified international"
//    and anywhere else it would make the dialled digits (and therefore the dial policy) ambiguous.
//  * A DialableNumber starting with "+" and containing a space or a parenthesis must be exactly in canonical
//    form: "+" CountryCode SPACE [ "(" AreaCode ")" SPACE ] Subscriber, with one space after the country code,
//    at most one "(...)" pair (digits only, may be empty) followed by exactly one space, and a Subscriber that
//    has no "(" or ")", does not start with a space and contains at least one digit. Anything else
//    (e.g. "+49(30)1234", "+1  555 0100") is INVALADDRESS. "+" followed by digits and no space/parenthesis
//    ("+4930123456") is a valid, non-canonical dialable number. A partial number (ending in ";") only has to be
//    a prefix of the canonical form ("+1 (425;" is fine: the rest follows with lineDial).
//  * Parentheses in numbers that do not start with "+" are plain formatting ("(555) 010-0000").
//  * ";" is accepted only as the very last character of the whole string, i.e. at the end of the DialableNumber
//    of a single destination with no subaddress, no name and no further destination: the rest of that
//    number is still to come through lineDial, so nothing may follow it. Anywhere else: INVALADDRESS.
//  * Subaddress: one or more characters up to "^", CRLF or the end; control characters, "+", "|" and ";" are
//    refused (the reference ends a subaddress at "+" or "|", after which nothing valid can follow).
//    Name: one or more characters up to CRLF or the end; control characters and ";" are refused.
//    An empty subaddress ("123|") or name ("123^") is INVALADDRESS.
//  * CRLF must be the pair "\r\n"; a lone CR or LF is an invalid character. Every destination must be
//    non-empty (no trailing CRLF).
//  * validateDialable checks characters strictly left to right and the first offence decides the error,
//    whether it is an unsupported modifier ($ @ W w ? :) or any other syntax error. Errors that concern a
//    whole DialableNumber (empty number, malformed canonical form) are detected at the end of that number.
//    "?" and ":" are syntactically valid (parseAddress accepts them) but no line dials them.
import { TapiError } from './errors';
import { looksLikeSipUri, parseSipDestination, type SipDestination } from './sip-address';

export interface DialCapabilities {
  /** `$` supported (LINEDEVCAPFLAGS_DIALBILLING). */
  dialBilling: boolean;
  /** `@` supported (LINEDEVCAPFLAGS_DIALQUIET). */
  dialQuiet: boolean;
  /** `W`/`w` supported (LINEDEVCAPFLAGS_DIALDIALTONE). */
  dialDialtone: boolean;
  /** A trailing `;` supported (LINEADDRCAPFLAGS_PARTIALDIAL). */
  partialDial: boolean;
  /** SIP URIs (`sip:` / `sips:`) are destinations of their own on this line (the SIP provider sets it). */
  sipUri?: boolean;
}

export interface DialableDestination {
  /** The DialableNumber as written, without a trailing `;`. */
  number: string;
  subaddress?: string;
  name?: string;
}

export interface ParsedAddress {
  raw: string;
  /** The first destination's number is in canonical form (+CC [(Area) ]Subscriber). */
  canonical: boolean;
  destinations: DialableDestination[];
  /** The address ends in `;`: more digits follow with lineDial. */
  partial: boolean;
  /** The parts of the first destination's number when `canonical`. `areaCode` is absent without "(...)". */
  canonicalParts?: { countryCode: string; areaCode?: string; subscriber: string };
  /**
   * Set when the address is a SIP URI (sip-address.ts): its one destination's `number` is then the URI
   * written canonically, which the dial policy judges by its user part.
   */
  sip?: SipDestination;
}

/** The longest address (UTF-16 code units, whole string) accepted. */
export const MAX_ADDRESS_LENGTH = 256;

const DIGITS = /[0-9A-Da-d*#]/;
const FORMATTING = ' .-()';
const PLAIN_CONTROL = '!PpTt,';

/** Capabilities that allow every modifier: what pure syntax checking uses. */
const SYNTAX_ONLY: DialCapabilities = { dialBilling: true, dialQuiet: true, dialDialtone: true, partialDial: true, sipUri: true };

/**
 * Parse a dialable address; throws TapiError LINEERR_INVALADDRESS (with `operation`) on a syntax error.
 * Modifiers that a line may not support ($ @ W ? :) are accepted here; use validateDialable for a line.
 */
export function parseAddress(address: string, operation = 'lineMakeCall'): ParsedAddress {
  return analyse(address, operation, null);
}

/**
 * Parse and check a dialable address against a line's capabilities. The first offending character decides:
 * `$` without dialBilling -> LINEERR_DIALBILLING, `@` without dialQuiet -> LINEERR_DIALQUIET, `W`/`w`
 * without dialDialtone -> LINEERR_DIALDIALTONE, `?` -> LINEERR_DIALPROMPT, `:` -> LINEERR_DIALVOICEDETECT,
 * anything else invalid -> LINEERR_INVALADDRESS; a trailing `;` without partialDial -> LINEERR_INVALADDRESS.
 * A SIP URI (`sip:`, `sips:`) is read by sip-address.ts on a line with `sipUri`, and is INVALADDRESS elsewhere.
 */
export function validateDialable(address: string, caps: DialCapabilities, operation = 'lineMakeCall'): ParsedAddress {
  return analyse(address, operation, caps);
}

/**
 * The dialled number reduced to what reaches the network: 0-9 * # A-D (a-d upper-cased) and a leading `+`
 * (when it is the first character that is not formatting). Formatting and modifiers are removed.
 * Given a whole address, only the first destination's number counts (reading stops at `|`, `^`, CR, LF).
 */
export function digitsOf(number: string): string {
  let out = '';
  let seenSignificant = false;
  for (const c of number) {
    if (c === '|' || c === '^' || c === '\r' || c === '\n') break;
    if (FORMATTING.includes(c)) continue;
    if (c === '+') {
      if (!seenSignificant) out += '+';
      seenSignificant = true;
      continue;
    }
    seenSignificant = true;
    if (DIGITS.test(c)) out += c.toUpperCase();
  }
  return out;
}

function invalid(operation: string, detail: string): TapiError {
  return TapiError.of('INVALADDRESS', operation, detail);
}

function describe(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}

function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

function analyse(address: string, operation: string, caps: DialCapabilities | null): ParsedAddress {
  if (typeof address !== 'string') throw invalid(operation, 'the address must be a string');
  if (address.length === 0) throw invalid(operation, 'empty address');
  if (address.length > MAX_ADDRESS_LENGTH) {
    throw invalid(operation, `longer than ${MAX_ADDRESS_LENGTH} characters`);
  }
  const effective = caps ?? SYNTAX_ONLY;
  if (looksLikeSipUri(address)) {
    if (!effective.sipUri) throw invalid(operation, 'a SIP URI, and this line does not dial SIP URIs (only a SIP line does)');
    const sip = parseSipDestination(address, operation);
    return { raw: address, canonical: false, destinations: [{ number: sip.uri }], partial: false, sip };
  }
  const segments = address.split('\r\n');
  const destinations: DialableDestination[] = [];
  let partial = false;
  let canonicalParts: ParsedAddress['canonicalParts'];
  let offset = 0;

  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s];
    const isLastSegment = s === segments.length - 1;
    if (segment.length === 0) throw invalid(operation, `empty destination ${s + 1}`);

    // --- DialableNumber ---
    let i = 0;
    let number = '';
    let segmentPartial = false;
    for (; i < segment.length; i++) {
      const c = segment[i];
      if (c === '|' || c === '^') break;
      const pos = offset + i;
      if (DIGITS.test(c) || FORMATTING.includes(c) || PLAIN_CONTROL.includes(c)) {
        number += c;
        continue;
      }
      switch (c) {
        case '+':
          if (i !== 0) throw invalid(operation, `'+' is only allowed at the start of a number (position ${pos})`);
          break;
        case 'W':
        case 'w':
          if (!effective.dialDialtone)
            throw TapiError.of('DIALDIALTONE', operation, `'${c}' (wait for dial tone) is not supported by this line`);
          break;
        case '@':
          if (!effective.dialQuiet) throw TapiError.of('DIALQUIET', operation, "'@' (wait for quiet answer) is not supported by this line");
          break;
        case '$':
          if (!effective.dialBilling)
            throw TapiError.of('DIALBILLING', operation, "'$' (wait for billing tone) is not supported by this line");
          break;
        case '?':
          if (caps) throw TapiError.of('DIALPROMPT', operation, "'?' (prompt) is never dialled: split the number with ';' and lineDial");
          break;
        case ':':
          if (caps) throw TapiError.of('DIALVOICEDETECT', operation, "':' (voice detect) is not supported");
          break;
        case ';':
          if (pos !== address.length - 1) {
            throw invalid(operation, `';' is only allowed at the very end of the address (position ${pos})`);
          }
          if (segments.length > 1) throw invalid(operation, "';' (partial dialling) cannot be combined with several destinations");
          if (!effective.partialDial) throw invalid(operation, "this line does not support partial dialling (trailing ';')");
          segmentPartial = true;
          continue;
        default:
          throw invalid(operation, `invalid character ${describe(c)} at position ${pos}`);
      }
      number += c;
    }

    const significant = [...number].some((c) => !FORMATTING.includes(c));
    if (!significant && !segmentPartial) throw invalid(operation, `empty number in destination ${s + 1}`);
    const parts = number.startsWith('+') ? canonicalForm(number, segmentPartial, operation) : undefined;
    if (s === 0) canonicalParts = parts;

    const destination: DialableDestination = { number };

    // --- Subaddress ---
    if (segment[i] === '|') {
      const start = ++i;
      for (; i < segment.length && segment[i] !== '^'; i++) {
        const c = segment[i];
        if (isControl(c) || c === '+' || c === '|' || c === ';') {
          throw invalid(operation, `invalid character ${describe(c)} in the subaddress at position ${offset + i}`);
        }
      }
      if (i === start) throw invalid(operation, `empty subaddress in destination ${s + 1}`);
      destination.subaddress = segment.slice(start, i);
    }

    // --- Name ---
    if (segment[i] === '^') {
      const start = ++i;
      for (; i < segment.length; i++) {
        const c = segment[i];
        if (isControl(c) || c === ';') {
          throw invalid(operation, `invalid character ${describe(c)} in the name at position ${offset + i}`);
        }
      }
      if (i === start) throw invalid(operation, `empty name in destination ${s + 1}`);
      destination.name = segment.slice(start);
    }

    destinations.push(destination);
    if (segmentPartial && isLastSegment) partial = true;
    offset += segment.length + 2;
  }

  const result: ParsedAddress = { raw: address, canonical: canonicalParts !== undefined, destinations, partial };
  if (canonicalParts) result.canonicalParts = canonicalParts;
  return result;
}

const CANONICAL = /^\+([0-9]+) (?:\(([0-9]*)\) )?([^ ()][^()]*)$/;
/** What a partial (";"-terminated) canonical number may look like: any prefix of the canonical form. */
const CANONICAL_PREFIX = /^\+[0-9]+ (?:\([0-9]*(?:\)(?: (?:[^ ()][^()]*)?)?)?|[^ ()][^()]*)?$/;

/**
 * The canonical parts of a number that starts with "+", or undefined when it is the compact international
 * form ("+4930123456", no space or parenthesis). Throws INVALADDRESS for a malformed canonical address.
 * A partial number only has to be a prefix of the canonical form (the rest follows with lineDial); it has
 * canonicalParts only when it is already complete.
 */
function canonicalForm(number: string, partial: boolean, operation: string): ParsedAddress['canonicalParts'] {
  if (!/[ ()]/.test(number)) return undefined;
  const m = CANONICAL.exec(number);
  const complete = m !== null && /[0-9A-Da-d*#]/.test(m[3]);
  if (!complete && partial && CANONICAL_PREFIX.test(number)) return undefined;
  if (!m || !complete) {
    throw invalid(
      operation,
      'malformed canonical address: expected "+CountryCode (AreaCode) Subscriber" with exactly one space after the country code and after ")"',
    );
  }
  const parts: NonNullable<ParsedAddress['canonicalParts']> = { countryCode: m[1], subscriber: m[3] };
  if (m[2] !== undefined) parts.areaCode = m[2];
  return parts;
}
