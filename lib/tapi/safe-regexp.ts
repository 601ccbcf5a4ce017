// `/regexp/` dial-policy patterns are user input run on every number: refuse the shapes that make a
// backtracking engine slow (catastrophic backtracking) before the pattern is ever used.
//
// Accepted: literals, escapes (\d \D \s \w ...), classes [...], groups ( ) (?: ) (?<name> ), alternation |,
// quantifiers ? * + {n} {n,} {n,m} (lazy forms too). Refused, with the reason:
//  - a quantifier on a group that itself holds a quantifier or an alternation: nested or overlapping
//    repetition, e.g. (1+)+2 or (1|11)*;
//  - more than MAX_UNBOUNDED unbounded quantifiers (* + {n,} or {n,m} with m > MAX_BOUNDED_REPEAT) in all,
//    or a product of the repetition counts of all quantifiers (an unbounded one counts as the longest
//    input, 257) above MAX_REPETITION_PRODUCT: adjacent repetitions of overlapping characters cost up to the
//    product of their counts, which bounds the backtracking of a pattern without nested repetition;
//  - back-references and look-arounds (their cost is not bounded by the rules above);
//  - bodies longer than MAX_REGEXP_LENGTH.
// Inputs are bounded too: a dialable address is at most MAX_ADDRESS_LENGTH (256) characters.

export const MAX_REGEXP_LENGTH = 256;
export const MAX_UNBOUNDED = 2;
export const MAX_BOUNDED_REPEAT = 32;
/** An unbounded repetition counts as this many (the longest dialable address + 1). */
const UNBOUNDED_COUNT = 257;
export const MAX_REPETITION_PRODUCT = UNBOUNDED_COUNT * UNBOUNDED_COUNT;

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/** Why `body` is refused, or undefined when it is safe to run. */
export function unsafeRegExpReason(body: string): string | undefined {
  if (body.length > MAX_REGEXP_LENGTH) return `longer than ${MAX_REGEXP_LENGTH} characters`;
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let unbounded = 0;
  let product = 1;
  /** What the next quantifier applies to: a closed group (with its flags), a single atom, or nothing. */
  let last: Group | 'atom' | null = null;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const n = body[i + 1];
      if (n === undefined) return 'ends with a lone \\';
      if (/[1-9]/.test(n) || n === 'k') return 'back-references are not allowed';
      i++;
      last = 'atom';
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (body[j] === '^') j++;
      if (body[j] === ']') j++;
      for (; j < body.length && body[j] !== ']'; j++) if (body[j] === '\\') j++;
      if (j >= body.length) return "'[' without ']'";
      i = j;
      last = 'atom';
      continue;
    }
    if (c === '(') {
      if (body.startsWith('(?=', i) || body.startsWith('(?!', i) || body.startsWith('(?<=', i) || body.startsWith('(?<!', i)) {
        return 'look-arounds are not allowed';
      }
      if (body.startsWith('(?:', i)) i += 2;
      else if (body.startsWith('(?<', i)) {
        const end = body.indexOf('>', i);
        if (end < 0) return 'unfinished group name';
        i = end;
      } else if (body[i + 1] === '?') return `unsupported group (${body.slice(i, i + 3)}`;
      stack.push({ quantified: false, alternation: false });
      last = null;
      continue;
    }
    if (c === ')') {
      if (stack.length < 2) return "')' without '('";
      const group = stack.pop() as Group;
      const parent = stack[stack.length - 1];
      if (group.quantified) parent.quantified = true;
      if (group.alternation) parent.alternation = true;
      last = group;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1].alternation = true;
      last = null;
      continue;
    }
    const quantifier = readQuantifier(body, i);
    if (quantifier) {
      if (last === null) return `quantifier '${body.slice(i, quantifier.end)}' has nothing to repeat`;
      if (last !== 'atom' && (last.quantified || last.alternation)) {
        return 'nested or overlapping quantifiers (a repeated group that repeats or alternates inside)';
      }
      if (quantifier.unbounded && ++unbounded > MAX_UNBOUNDED) {
        return `more than ${MAX_UNBOUNDED} unbounded repetitions (* + {n,})`;
      }
      product *= quantifier.unbounded ? UNBOUNDED_COUNT : quantifier.max + 1;
      if (product > MAX_REPETITION_PRODUCT) {
        return `too much repetition (the product of the repetition counts exceeds ${MAX_REPETITION_PRODUCT})`;
      }
      stack[stack.length - 1].quantified = true;
      i = quantifier.end - 1;
      if (body[i + 1] === '?') i++; // lazy
      last = null;
      continue;
    }
    last = 'atom';
  }
  if (stack.length > 1) return "'(' without ')'";
  return undefined;
}

function readQuantifier(body: string, i: number): { end: number; unbounded: boolean; max: number } | undefined {
  const c = body[i];
  if (c === '?') return { end: i + 1, unbounded: false, max: 1 };
  if (c === '*' || c === '+') return { end: i + 1, unbounded: true, max: Infinity };
  if (c !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(body.slice(i));
  if (!m) return undefined; // a literal '{', as JavaScript reads it
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { end: i + m[0].length, unbounded: max > MAX_BOUNDED_REPEAT, max };
}
