// Dial strings a hostile flow might send: denied numbers behind random prefixes, modifiers, service codes
// and access codes, with formatting, split into partial-dial pieces.
import type { Random } from './random';

export const SERVICE_CODES = ['*67', '*82', '#31#', '*70', '#21#', '*31#', '*123'];
export const MODIFIERS = ['W', ',', '@', '$', '!', 'w'];

export function deniedCore(r: Random): string {
  switch (r.int(3)) {
    case 0:
      return '1900' + r.digits(7);
    case 1:
      return '+1900' + r.digits(7);
    default:
      return '00' + r.digits(6 + r.int(6));
  }
}

export function benignCore(r: Random): string {
  return r.pick(['555', '4', '2', '7']) + r.digits(4 + r.int(4));
}

/** Formatting a person might add (not inside a leading '+' number, whose spaces have a meaning). */
export function format(r: Random, number: string): string {
  if (number.startsWith('+') || !r.chance(0.4)) return number;
  let out = '';
  for (const c of number) out += c + (r.chance(0.2) ? r.pick(['-', ' ', '.']) : '');
  return out.trim();
}

export function prefix(r: Random, accessCode: string): string {
  let out = '';
  const n = r.int(3);
  for (let i = 0; i < n; i++) {
    switch (r.int(4)) {
      case 0:
        out += r.pick(SERVICE_CODES) + (r.chance(0.3) ? ' ' : '');
        break;
      case 1:
        out += accessCode || '9';
        break;
      case 2:
        out += benignCore(r) + r.pick(MODIFIERS);
        break;
      default:
        out += r.pick(MODIFIERS);
    }
  }
  return out;
}

/** A full dial string: mostly an attempt at a denied number, sometimes a harmless one. */
export function dialString(r: Random, accessCode: string): { text: string; denied: boolean } {
  const denied = r.chance(0.7);
  return { text: prefix(r, accessCode) + format(r, denied ? deniedCore(r) : benignCore(r)), denied };
}

/** `text` cut into 1-4 pieces, every piece but the last ending in ';' (partial dialling). */
export function pieces(r: Random, text: string): string[] {
  const cuts = new Set<number>();
  const n = r.int(4);
  for (let i = 0; i < n && text.length > 1; i++) cuts.add(1 + r.int(text.length - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const cut of sorted) {
    out.push(text.slice(from, cut) + ';');
    from = cut;
  }
  out.push(text.slice(from));
  return out;
}
