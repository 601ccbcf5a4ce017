// name-addr / addr-spec (RFC 3261 §20.10, §25.1) as the provider reads them from From, To, P-Asserted-Identity and
// P-Called-Party-ID: the display name and the URI. Header values reach here already unfolded and one per entry.
import type { SipMessage } from './core/types';

export interface NameAddr {
  displayName?: string;
  uri: string;
}

/** The first value of header `name` (lower-case long form), or undefined. */
export function headerValue(message: SipMessage, name: string): string | undefined {
  return message.headers.find((h) => h.name === name)?.value;
}

/** Every value of header `name`, in order. */
export function headerValuesOf(message: SipMessage, name: string): string[] {
  return message.headers.filter((h) => h.name === name).map((h) => h.value);
}

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** Reads `"Name" <uri>;tag=x`, `Name <uri>`, `<uri>` or `uri;tag=x`; undefined when there is no URI. */
export function parseNameAddr(value: string): NameAddr | undefined {
  const text = value.trim();
  const lt = findAngle(text);
  if (lt < 0) {
    const uri = text.split(';')[0].trim();
    return uri && !/\s/.test(uri) ? { uri } : undefined;
  }
  const gt = text.indexOf('>', lt);
  if (gt < 0) return undefined;
  const uri = text.slice(lt + 1, gt).trim();
  if (!uri) return undefined;
  const before = text.slice(0, lt).trim();
  let displayName: string | undefined;
  if (before.startsWith('"') && before.endsWith('"') && before.length >= 2) displayName = unquote(before);
  else if (before) displayName = before;
  return { displayName: displayName || undefined, uri };
}

/** The index of the "<" that opens the URI (not one inside a quoted display name), or -1. */
function findAngle(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') return i;
  }
  return -1;
}
