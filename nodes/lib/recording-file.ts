// Where a recording is written: a file name from the node's template (or a plain name in msg.filename) inside
// the node's folder, never outside it, created with the exclusive flag so nothing existing is overwritten (a
// taken name gets -1, -2, ... before .wav). No Node-RED import.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { TapiValidationError } from '../../lib/tapi';

export const DEFAULT_TEMPLATE = 'call-{date}-{caller}.wav';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;
const MAX_TRIES = 100;

export interface NameParts {
  /** The call's start (or now). */
  at: Date;
  callerId?: string;
  callId: string;
}

/** 2026-12-02T01:04:26.123Z -> 20261202-010426 (UTC; no characters a file system refuses). */
function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

function withWav(name: string): string {
  return /\.wav$/i.test(name) ? name : name + '.wav';
}

/** The template's placeholders {date}, {caller}, {call} filled; whatever is left that a file name cannot hold becomes _. */
export function fileNameFrom(template: string, parts: NameParts): string {
  const caller = (parts.callerId ?? '').replace(/[^0-9+]/g, '').replace(/^\+/, '00') || 'unknown';
  const filled = (template.trim() || DEFAULT_TEMPLATE)
    .replace(/\{date\}/g, stamp(parts.at))
    .replace(/\{caller\}/g, caller)
    .replace(/\{call\}/g, parts.callId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8));
  const name = path
    .basename(filled.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '');
  return withWav(name.slice(0, 150) || 'recording');
}

/** msg.filename: a plain file name only (no folder, no ..), so a message cannot write outside the folder. */
export function checkedMessageName(value: unknown): string {
  if (typeof value !== 'string' || !SAFE_NAME.test(value) || value.includes('..')) {
    throw new TapiValidationError('msg.filename must be a plain file name (letters, digits, . _ -; no folder and no ..)');
  }
  return withWav(value);
}

/** Writes `wav` as a new file in `folder` (created if missing); the full path of the file written. */
export async function writeNewFile(folder: string, name: string, wav: Buffer): Promise<string> {
  await mkdir(folder, { recursive: true });
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; i < MAX_TRIES; i++) {
    const file = path.join(folder, i === 0 ? name : `${stem}-${i}${ext}`);
    try {
      await writeFile(file, wav, { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') {
        throw new TapiValidationError(
          `cannot write the recording to ${JSON.stringify(file)}: ${(err as { code?: string }).code ?? 'error'}`,
        );
      }
    }
  }
  throw new TapiValidationError(`cannot write the recording: ${MAX_TRIES} files named like ${JSON.stringify(name)} exist`);
}
