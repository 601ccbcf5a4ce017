/**
 * Dial policy: which numbers a line may dial.
 *
 * A flow dials whatever arrives in `msg.payload`, so every line checks the number against its policy before
 * any digit leaves the machine. A refused number fails with `LINEERR_ADDRESSBLOCKED`.
 *
 * ```
 * { allow: ['555XXXX', '+1NXXNXXXXXX'], deny: ['1900.', '+1900.', '00.', '/1900[0-9]{7}/'] }
 * ```
 *
 * What is matched: the number's digits, after formatting and dialling modifiers are removed — `0-9 * # A-D`
 * and a leading `+` (`"+1 (206) 555-0100"` is matched as `+12065550100`, `"9,W555-0100"` as `95550100`).
 * A string with several destinations (CRLF) is allowed only if every destination is. The match is always
 * anchored: the pattern must describe the whole number, not a part of it.
 *
 * Deny patterns are matched against every number the network may read out of the string (dial-tails.ts):
 * the whole number, every tail after a dialling modifier (`W , @ $ ! P T` and the `;` between the parts of
 * a partial dial), each of those after a leading vertical service code (`*` or `#`, 2-3 digits, optionally
 * closed by `#`) and after the line's outside-line access code (`accessCode`, e.g. `9`). With deny `1900.`:
 * `9W19005550100`, `9,1-900-555-0100`, `*6719005550100`, `*82 1-900-555-0100`, `#31#19005550100`,
 * `5550100!19005550100` are all refused, and with access code `9` so is `919005550100`. Allow patterns
 * keep matching the whole number.
 *
 * Pattern syntax (Asterisk-style):
 *
 * | in a pattern | matches |
 * |---|---|
 * | `0`-`9` `*` `#` `+` `A`-`D` | that character (`+` literally: `+49.` is "everything to Germany") |
 * | `X` | any digit 0-9 |
 * | `Z` | any digit 1-9 |
 * | `N` | any digit 2-9 |
 * | `[1-5,7]` | one character of the class: digits, ranges `a-b`, `* # + A-D`; commas separate |
 * | `.` | one or more characters of anything — only as the last character |
 * | `!` | zero or more characters of anything — only as the last character |
 * | `-` and spaces | ignored (write `555-XXXX` if you like) |
 * | a leading `_` | ignored (Asterisk writes patterns as `_NXXXXXX`) |
 * | `/regexp/` | a JavaScript regular expression on the digits, anchored at both ends |
 *
 * `X Z N` may also be written in lower case. International calls are written with the prefix they are
 * dialled with: `00.` (or `011.` in North America) for numbers dialled with an access code, `+.` for
 * numbers written with a `+`; deny both to block international calls.
 *
 * Rules:
 * - `deny` wins: a number that matches any deny pattern is refused.
 * - If `allow` is not empty, a number must also match at least one allow pattern.
 * - With both empty every number is allowed.
 * - An invalid pattern is refused when the policy is created (a TapiValidationError naming the pattern).
 * - A null or empty address dials nothing and is always allowed.
 *
 * Partial dialling (`555;` then `lineDial`): while the number is incomplete only the deny list can be
 * judged. `checkPartial(accumulated)` refuses as soon as a deny pattern matches the digits so far, or the
 * fixed part of a deny pattern ending in `.` or `!` matches a prefix of them (`1900.` refuses `1900;` and
 * `19001;`). The complete number is checked against both lists when dialling ends (`check`).
 *
 * SIP URIs (on SIP lines, sip-address.ts): `sip:**610@fritz.box` is judged by its user part, %-decoded, as
 * a dialled number — the same patterns, readings and access code as `**610`. A URI whose user part is not a
 * phone number (`sip:alice@example.com`, or no user part) is refused (LINEERR_ADDRESSBLOCKED) unless the
 * policy sets `allowSipUris: true`; such URIs are then allowed without the patterns (they have no digits
 * to match). A SIP URI is a whole destination: it is never partial and no digits may be appended to it.
 */
import { TapiError, TapiValidationError } from './errors';
import { digitsOf, parseAddress } from './address';
import { dialReadings } from './dial-tails';
import { unsafeRegExpReason } from './safe-regexp';
import { looksLikeSipUri, parseSipDestination, type SipDestination } from './sip-address';
import type { DialPolicyOptions } from './types';

interface CompiledPattern {
  source: string;
  /** Whole-number match. */
  full: RegExp;
  /** For patterns ending in `.` or `!`: the fixed part, matched at the start of the digits. */
  stem?: RegExp;
}

const CLASS_CHARS = /^[0-9*#+A-D]$/;

function fail(pattern: unknown, why: string): TapiValidationError {
  return new TapiValidationError(`invalid dial policy pattern ${JSON.stringify(pattern)}: ${why}`);
}

function escape(c: string): string {
  return /[*+#]/.test(c) ? `\\${c}` : c;
}

function compileClass(body: string, pattern: string): string {
  const items: string[] = [];
  for (const part of body.split(',')) {
    const item = part.replace(/ /g, '');
    if (item === '') continue;
    let i = 0;
    while (i < item.length) {
      const c = item[i].toUpperCase();
      if (!CLASS_CHARS.test(c)) throw fail(pattern, `'${item[i]}' is not allowed in a [...] class`);
      if (item[i + 1] === '-') {
        const hi = item[i + 2]?.toUpperCase();
        if (hi === undefined) throw fail(pattern, 'unfinished range in a [...] class');
        if (!/[0-9]/.test(c) || !/[0-9]/.test(hi)) throw fail(pattern, 'ranges in a [...] class are digit ranges');
        if (c > hi) throw fail(pattern, `empty range ${c}-${hi}`);
        items.push(`${c}-${hi}`);
        i += 3;
      } else {
        items.push(escape(c));
        i += 1;
      }
    }
  }
  if (items.length === 0) throw fail(pattern, 'empty [...] class');
  return `[${items.join('')}]`;
}

function compile(pattern: unknown): CompiledPattern {
  if (typeof pattern !== 'string') throw fail(pattern, 'a pattern is a string');
  const source = pattern;
  const trimmed = pattern.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('/') && trimmed.endsWith('/')) {
    const body = trimmed.slice(1, -1);
    if (body === '') throw fail(pattern, 'empty regular expression');
    const unsafe = unsafeRegExpReason(body);
    if (unsafe) throw fail(pattern, `refused regular expression: ${unsafe}`);
    try {
      return { source, full: new RegExp(`^(?:${body})$`) };
    } catch (error) {
      throw fail(pattern, `not a valid regular expression (${(error as Error).message})`);
    }
  }
  let text = trimmed.startsWith('_') ? trimmed.slice(1) : trimmed;
  text = text.replace(/[ -](?![^[]*\])/g, '');
  if (text === '') throw fail(pattern, 'empty pattern');
  let regex = '';
  let tail: '.' | '!' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const upper = c.toUpperCase();
    if (c === '.' || c === '!') {
      if (i !== text.length - 1) throw fail(pattern, `'${c}' is only allowed as the last character`);
      tail = c;
    } else if (c === '[') {
      const end = text.indexOf(']', i + 1);
      if (end < 0) throw fail(pattern, "'[' without ']'");
      regex += compileClass(text.slice(i + 1, end), pattern);
      i = end;
    } else if (c === ']') {
      throw fail(pattern, "']' without '['");
    } else if (upper === 'X') {
      regex += '[0-9]';
    } else if (upper === 'Z') {
      regex += '[1-9]';
    } else if (upper === 'N') {
      regex += '[2-9]';
    } else if (/^[0-9*#+A-D]$/.test(upper)) {
      regex += escape(upper);
    } else {
      throw fail(pattern, `'${c}' is not a pattern character`);
    }
  }
  if (tail === '.') return { source, full: new RegExp(`^${regex}.+$`, 's'), stem: new RegExp(`^${regex}`) };
  if (tail === '!') return { source, full: new RegExp(`^${regex}.*$`, 's'), stem: new RegExp(`^${regex}`) };
  return { source, full: new RegExp(`^${regex}$`) };
}

function compileList(list: unknown, name: string): CompiledPattern[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new TapiValidationError(`dial policy ${name} must be an array of patterns`);
  return list.map(compile);
}

export class DialPolicy {
  private readonly allow: CompiledPattern[];
  private readonly deny: CompiledPattern[];
  /** The outside-line access code deny patterns also look behind ('' = none). */
  readonly accessCode: string;
  /** SIP URIs whose user part is not a phone number may be dialled (default false: refused). */
  readonly allowSipUris: boolean;

  constructor(options: DialPolicyOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TapiValidationError('dial policy options must be an object');
    this.allow = compileList(options.allow, 'allow');
    this.deny = compileList(options.deny, 'deny');
    this.accessCode = accessCodeOf(options.accessCode);
    if (options.allowSipUris !== undefined && typeof options.allowSipUris !== 'boolean') {
      throw new TapiValidationError('dial policy allowSipUris must be true or false');
    }
    this.allowSipUris = options.allowSipUris === true;
  }

  /** True when the policy restricts nothing (SIP URIs without a phone number are still refused by default). */
  get unrestricted(): boolean {
    return this.allow.length === 0 && this.deny.length === 0;
  }

  /**
   * A SIP destination: its user part judged as a dialled number; one that is not a phone number only with
   * allowSipUris. Throws LINEERR_ADDRESSBLOCKED when refused.
   */
  checkSip(destination: SipDestination, operation = 'lineMakeCall'): void {
    if (destination.number !== undefined) {
      if (!this.allowsNumber(destination.number)) throw blocked(operation);
      return;
    }
    if (!this.allowSipUris) {
      throw TapiError.of(
        'ADDRESSBLOCKED',
        operation,
        "the SIP URI's user part is not a phone number; the dial policy refuses such URIs unless allowSipUris is set",
      );
    }
  }

  /**
   * Throws TapiError LINEERR_ADDRESSBLOCKED (for `operation`) unless every destination of `address` may be
   * dialled; LINEERR_INVALADDRESS when `address` is not a dialable address. An address ending in `;` is
   * still incomplete and gets checkPartial's treatment; check the complete number when dialling ends.
   */
  check(address: string | null, operation = 'lineMakeCall'): void {
    if (address === null || address === '') return;
    if (looksLikeSipUri(address)) {
      this.checkSip(parseSipDestination(address, operation), operation);
      return;
    }
    const parsed = parseAddress(address, operation);
    if (parsed.partial) {
      this.checkPartial(address, operation);
      return;
    }
    for (const destination of parsed.destinations) {
      if (!this.allowsNumber(destination.number)) throw blocked(operation);
    }
  }

  /**
   * One complete number as written, possibly put together from the parts of a partial dial (`555;0100`):
   * throws LINEERR_ADDRESSBLOCKED unless allowed. No syntax check: the parts were checked when sent.
   */
  checkNumber(number: string, operation = 'lineDial'): void {
    if (looksLikeSipUri(number)) {
      this.check(number, operation);
      return;
    }
    if (digitsOf(number) === '') return; // nothing dialled: the provider refuses it, the policy has nothing to judge
    if (!this.allowsNumber(number)) throw blocked(operation);
  }

  /** check() as a boolean: false for blocked and for invalid addresses. */
  isAllowed(address: string | null): boolean {
    try {
      this.check(address);
      return true;
    } catch (error) {
      if (error instanceof TapiError) return false;
      throw error;
    }
  }

  /**
   * For an incomplete number (partial dialling): throws LINEERR_ADDRESSBLOCKED when a deny pattern already
   * matches the digits dialled so far, or the fixed part of a deny pattern ending in `.`/`!` matches a prefix
   * of them. The allow list cannot be judged before the number is complete: call check() then.
   */
  checkPartial(accumulated: string, operation = 'lineDial'): void {
    if (looksLikeSipUri(accumulated)) {
      this.check(accumulated, operation); // a SIP URI is never partial: judged whole
      return;
    }
    const readings = dialReadings(String(accumulated ?? ''), this.accessCode);
    for (const pattern of this.deny) {
      for (const digits of readings) {
        if (pattern.full.test(digits) || (pattern.stem && pattern.stem.test(digits))) throw blocked(operation);
      }
    }
  }

  /** One complete DialableNumber (as written): no deny pattern matches any reading, and allow matches the whole. */
  allowsNumber(number: string): boolean {
    if (looksLikeSipUri(number)) return this.isAllowed(number);
    const readings = dialReadings(number, this.accessCode);
    if (this.deny.some((p) => readings.some((digits) => p.full.test(digits)))) return false;
    return this.allow.length === 0 || this.allow.some((p) => p.full.test(digitsOf(number)));
  }

  /** The policy applied to digits as digitsOf() returns them (no modifiers left to look behind). */
  allowsDigits(digits: string): boolean {
    return this.allowsNumber(digits);
  }
}

const ACCESS_CODE = /^[0-9*#]{1,8}$/;

function accessCodeOf(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text !== 'string' || !ACCESS_CODE.test(text.trim())) {
    throw new TapiValidationError(`invalid outside-line access code ${JSON.stringify(value)}: 1 to 8 of 0-9 * #`);
  }
  return text.trim();
}

function blocked(operation: string): TapiError {
  return TapiError.of('ADDRESSBLOCKED', operation, 'the number is not allowed by the dial policy of this line');
}
