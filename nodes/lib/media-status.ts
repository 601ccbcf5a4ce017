// Status of the play and record nodes, with text from i18n keys (under 20 characters). No Node-RED import.
import type { NodeStatus } from './node-red';
import type { Translate } from './status';

export const MEDIA_NS = {
  play: 'node-red-contrib-tapi/play:play.',
  record: 'node-red-contrib-tapi/record:record.',
} as const;

function short(text: string): string {
  return text.length > 19 ? text.slice(0, 18) + '…' : text;
}

/** ms as seconds with one decimal: 1500 -> "1.5". */
export function seconds(ms: number): string {
  return (Math.round(ms / 100) / 10).toFixed(1);
}

export type PlayStatusKind = 'playing' | 'played' | 'digit' | 'stopped' | 'hangup' | 'noaudio';

/** Yellow ring while playing, green dot once a prompt ended, red ring when the line has no audio device. */
export function playStatus(_: Translate, kind: PlayStatusKind, subs?: Record<string, unknown>): NodeStatus {
  const text = short(_(MEDIA_NS.play + 'status.' + kind, subs));
  if (kind === 'playing') return { fill: 'yellow', shape: 'ring', text };
  if (kind === 'noaudio') return { fill: 'red', shape: 'ring', text };
  return { fill: 'green', shape: 'dot', text };
}

export type RecordStatusKind = 'recording' | 'recorded' | 'saved' | 'noaudio';

export function recordStatus(_: Translate, kind: RecordStatusKind, subs?: Record<string, unknown>): NodeStatus {
  const text = short(_(MEDIA_NS.record + 'status.' + kind, subs));
  if (kind === 'recording') return { fill: 'yellow', shape: 'ring', text };
  if (kind === 'noaudio') return { fill: 'red', shape: 'ring', text };
  return { fill: 'green', shape: 'dot', text };
}

/** LINEERR_INVALDEVICECLASS: the line has no wave devices (lineGetID "wave/out" / "wave/in" refused). */
export function isNoAudioDevice(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'LINEERR_INVALDEVICECLASS';
}
