#!/usr/bin/env node
'use strict';
// Makes the spoken prompts the examples ship (run once by hand; the WAV files are committed):
//   examples/08-voicemail-greeting.wav  the voicemail greeting, then a beep
//   examples/04-ivr-menu-prompt.wav     the IVR menu
// Speech comes from espeak-ng (Debian: apt-get install -y espeak-ng), voice en-us, 150 words a minute; wavefile
// resamples it to 8 kHz 16-bit mono (what a voice modem takes) and peaks are scaled to -3 dBFS. Without espeak-ng
// the prompts are tone sequences (a chime) so the examples still have something to play.
//
//   node scripts/make-prompts.js
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { WaveFile } = require('wavefile');

const RATE = 8000;
const examples = path.join(__dirname, '..', 'examples');
const PROMPTS = [
  {
    file: '08-voicemail-greeting.wav',
    text: 'Hello. Please leave a message after the tone, and press hash when you are done.',
    beep: true,
    chime: [523, 659, 784],
  },
  { file: '04-ivr-menu-prompt.wav', text: 'Press 1 for sales, or 2 to open the door.', beep: false, chime: [784, 659] },
];

function tone(frequency, ms, amplitude = 12000) {
  const n = Math.round((RATE * ms) / 1000);
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE)));
}

function concat(parts) {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** espeak-ng's speech as 8 kHz 16-bit mono samples, or null when espeak-ng is not installed. */
function speak(text) {
  const run = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '150', '--stdout', text], { maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) return null;
  const wav = new WaveFile(run.stdout);
  wav.toBitDepth('16');
  wav.toSampleRate(RATE);
  return Int16Array.from(wav.getSamples(false, Int16Array));
}

function normalise(pcm) {
  let peak = 1;
  for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  const gain = (32767 * 0.708) / peak; // -3 dBFS
  return Int16Array.from(pcm, (v) => Math.round(v * gain));
}

for (const prompt of PROMPTS) {
  const speech = speak(prompt.text);
  const body = speech ? normalise(speech) : concat(prompt.chime.map((f) => tone(f, 250)));
  const parts = [new Int16Array(RATE / 10), body];
  if (prompt.beep) parts.push(new Int16Array(RATE / 4), tone(1000, 400));
  parts.push(new Int16Array(RATE / 10));
  const wav = new WaveFile();
  wav.fromScratch(1, RATE, '16', concat(parts));
  fs.writeFileSync(path.join(examples, prompt.file), Buffer.from(wav.toBuffer()));
  const seconds = (wav.getSamples().length / RATE).toFixed(2);
  console.log(`${prompt.file}: ${seconds} s, ${speech ? 'espeak-ng' : 'tones (espeak-ng not found)'}`);
}
