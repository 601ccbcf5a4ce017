#!/usr/bin/env node
// Writes rfc4733-digits.pcap: the RTP stream that uac-call-dtmf.xml plays with SIPp's play_pcap_audio after the
// call is answered. 200 ms of a PCMU tone (payload type 0), then the digits of DIGITS as RFC 4733
// telephone-events (payload type 101): each event 100 ms long, one packet every 20 ms with the duration so far,
// the first with the marker bit, all with the event's start timestamp, and the end packet sent three times
// (RFC 4733 §2.5.1.4); 100 ms of silence between digits. SIPp replaces the addresses and ports when it plays it.
//   node test/sip/make-dtmf-pcap.js  (the output is committed beside it)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIGITS = '0159*#';
const EVENT_CODES = { '*': 10, '#': 11 };
const PACKET_MS = 20;
const SAMPLES_PER_PACKET = 160;
const EVENT_MS = 100;
const GAP_MS = 100;
const SSRC = 0x7a9e4733;

function ulawFromLinear(sample) {
  const BIAS = 0x84;
  let sign = 0;
  let value = sample;
  if (value < 0) {
    sign = 0x80;
    value = -value;
  }
  value = Math.min(value, 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function rtpPacket({ payloadType, marker, seq, timestamp, payload }) {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRC
  header[1] = (marker ? 0x80 : 0) | payloadType;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(SSRC, 8);
  return Buffer.concat([header, payload]);
}

function ipv4Checksum(header) {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// Ethernet II + IPv4 + UDP around one RTP packet (10.0.0.1:6000 -> 10.0.0.2:6000; SIPp rewrites them).
function frame(rtp) {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6000, 2);
  udp.writeUInt16BE(8 + rtp.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + udp.length + rtp.length, 2);
  ip[8] = 64; // TTL
  ip[9] = 17; // UDP
  Buffer.from([10, 0, 0, 1]).copy(ip, 12);
  Buffer.from([10, 0, 0, 2]).copy(ip, 16);
  ip.writeUInt16BE(ipv4Checksum(ip), 10);
  const ethernet = Buffer.alloc(14);
  ethernet.writeUInt16BE(0x0800, 12);
  return Buffer.concat([ethernet, ip, udp, rtp]);
}

function pcap(records) {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16); // snaplen
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts = [global];
  for (const { atMs, data } of records) {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(atMs / 1000), 0);
    record.writeUInt32LE((atMs % 1000) * 1000, 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    parts.push(record, data);
  }
  return Buffer.concat(parts);
}

function build() {
  const records = [];
  let seq = 1000;
  let timestamp = 160000;
  let atMs = 0;
  const send = (payloadType, marker, ts, payload) => {
    records.push({ atMs, data: frame(rtpPacket({ payloadType, marker, seq: seq++, timestamp: ts, payload })) });
  };
  for (let packet = 0; packet < 10; packet++) {
    const payload = Buffer.alloc(SAMPLES_PER_PACKET);
    for (let i = 0; i < SAMPLES_PER_PACKET; i++) {
      const n = packet * SAMPLES_PER_PACKET + i;
      payload[i] = ulawFromLinear(Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000)));
    }
    send(0, packet === 0, timestamp, payload);
    timestamp += SAMPLES_PER_PACKET;
    atMs += PACKET_MS;
  }
  for (const digit of DIGITS) {
    const event = EVENT_CODES[digit] ?? Number(digit);
    const start = timestamp;
    const volume = 10;
    for (let elapsed = PACKET_MS; elapsed <= EVENT_MS; elapsed += PACKET_MS) {
      const end = elapsed === EVENT_MS;
      const duration = (elapsed / 1000) * 8000;
      const payload = Buffer.from([event, (end ? 0x80 : 0) | volume, duration >> 8, duration & 0xff]);
      for (let copy = 0; copy < (end ? 3 : 1); copy++) send(101, elapsed === PACKET_MS && copy === 0, start, payload);
      atMs += PACKET_MS;
    }
    timestamp += (EVENT_MS / 1000) * 8000 + (GAP_MS / 1000) * 8000;
    atMs += GAP_MS;
  }
  return pcap(records);
}

module.exports = { DIGITS, build };

if (require.main === module) {
  const out = path.join(__dirname, 'rfc4733-digits.pcap');
  fs.writeFileSync(out, build());
  console.log(`${out}: digits ${DIGITS}`);
}
