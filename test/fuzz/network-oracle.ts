// An independent model of how a network reads what was sent on one call, for the dial-policy tests: every
// place where a new number may start (the beginning, after a modifier or a partial-dial ';', after any
// leading service code or access code) and the digits from there on. Written apart from lib/tapi's
// dial-tails.ts on purpose: the tests must not check the policy with its own reading.

const MODIFIER = /[Ww,@$!;PpTt]/;

function digits(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i].toUpperCase();
    if (/[0-9*#A-D]/.test(c)) out += c;
    else if (c === '+' && out === '' && !/[^ .()-]/.test(text.slice(0, i))) out += '+';
  }
  return out;
}

/** Every number a network could dial from `sent` (the strings of one call, in order, concatenated). */
export function networkReadings(sent: string, accessCode = ''): Set<string> {
  const starts: string[] = [sent];
  for (let i = 0; i < sent.length; i++) if (MODIFIER.test(sent[i])) starts.push(sent.slice(i + 1));
  const found = new Set<string>();
  const todo = starts.map(digits);
  while (todo.length) {
    const d = todo.pop() as string;
    if (found.has(d)) continue;
    found.add(d);
    for (const len of [3, 4]) {
      // "*67", "*671" (3 digits), with or without a closing '#'
      const head = d.slice(0, len);
      if (/^[*#][0-9]+$/.test(head)) {
        todo.push(d.slice(len));
        if (d[len] === '#') todo.push(d.slice(len + 1));
      }
    }
    if (accessCode && d.startsWith(accessCode)) todo.push(d.slice(accessCode.length));
  }
  return found;
}

/** The deny list of the tests, as plain prefixes: 1900., +1900., 00. */
export const DENIED_PREFIXES = ['1900', '+1900', '00'];

export function isDeniedNumber(d: string): boolean {
  return DENIED_PREFIXES.some((p) => d.startsWith(p) && d.length > p.length);
}

/** True when any reading of what was sent on one call is a denied number. */
export function reachesDenied(sent: string, accessCode = ''): boolean {
  for (const d of networkReadings(sent, accessCode)) if (isDeniedNumber(d)) return true;
  return false;
}
