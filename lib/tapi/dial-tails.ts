// The numbers a network may read out of one dial string. A switch, a PBX or a modem does not see a dial
// string as one number: after a dialling modifier (wait for dial tone, pause, flash, billing tone, quiet
// answer) or between the parts of a partial dial, what follows is dialled as a number of its own; a
// leading vertical service code (*67, #31#) is consumed by the exchange; an outside-line access code (9)
// by the PBX. A deny pattern must therefore be matched against every one of these readings.
import { digitsOf } from './address';

/** After these the rest of the string may be read as a new number (W w , @ $ ! and the partial-dial `;`). */
const TAIL_STARTERS = new Set(['W', 'w', ',', '@', '$', '!', ';', 'P', 'p', 'T', 't']);
const FORMATTING = /[ .\-()]/g;
/** A vertical service code: `*` or `#`, 2 or 3 digits, optionally closed by `#`. Every reading is tried. */
const VSC = /^[*#]([0-9]{2,3})/;

/**
 * Every reading of `number` (one DialableNumber as written, modifiers included) as digitsOf() gives it:
 * the whole number first, then each tail after a modifier, each of those with leading service codes and
 * the access code taken off (repeatedly, in any order). Duplicates and empty readings are left out.
 */
export function dialReadings(number: string, accessCode = ''): string[] {
  const plain = number.replace(FORMATTING, '');
  const starts = [0];
  for (let i = 0; i < plain.length; i++) if (TAIL_STARTERS.has(plain[i])) starts.push(i + 1);
  const readings = new Set<string>();
  const whole = digitsOf(plain);
  if (whole) readings.add(whole);
  const access = accessCode ? digitsOf(accessCode) : '';
  // Every reading is a suffix of the whole number's digits, so there are at most length + 1 of them.
  const seen = new Set<string>();
  const queue = starts.map((start) => digitsOf(plain.slice(start)));
  while (queue.length > 0) {
    const digits = queue.shift() as string;
    if (seen.has(digits)) continue;
    seen.add(digits);
    if (digits) readings.add(digits);
    for (const rest of prefixesOff(digits, access)) if (!seen.has(rest)) queue.push(rest);
  }
  return [...readings];
}

/** `digits` without one leading service code (each possible length) or without the access code. */
function prefixesOff(digits: string, access: string): string[] {
  const out: string[] = [];
  const m = VSC.exec(digits);
  if (m) {
    for (const n of [2, 3]) {
      if (m[1].length < n) continue;
      const after = digits.slice(1 + n);
      out.push(after);
      if (after.startsWith('#')) out.push(after.slice(1));
    }
  }
  if (access && digits.startsWith(access)) out.push(digits.slice(access.length));
  // A "+" is the first thing dialled; after it the country code follows, so nothing is taken off.
  return out;
}
