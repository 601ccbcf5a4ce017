// Text that came from the network, made safe to show (call info, comments, reasons): no control characters,
// bounded length. Plain functions, no SIP knowledge.

/** `text` without control characters (C0, DEL, C1), trimmed, cut at `max` characters. */
export function printable(text: string, max = 128): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    out += c;
    if (out.length >= max) break;
  }
  return out.trim();
}

/** True when `text` has a character that must never reach a SIP header (control characters, CR, LF, NUL). */
export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
