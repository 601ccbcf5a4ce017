// The 20 ms pacer of the SIP provider's media on a manual clock whose timers fire late by a seeded amount: no
// drift (tick n runs once its due time start + 20 n has passed, and never waits more than the lateness of one
// timer), no bursts beyond the bound after a stall, ticks in order, stop() leaves no timer. Nothing here reads the
// wall clock: the figures on a real event loop are the bench's.
import assert from 'node:assert/strict';
import { Pacer } from '../lib/tapi/providers/sip/media';
import type { SipClock, SipTimer } from '../lib/tapi/providers/sip/core/types';

/** Timers fire `lateness()` ms after they are due, like setTimeout on a busy loop. */
class LateClock implements SipClock {
  private t = 0;
  private id = 0;
  private timers: Array<{ id: number; at: number; cb: () => void }> = [];
  constructor(private readonly lateness: () => number) {}
  now(): number {
    return this.t;
  }
  setTimeout(cb: () => void, ms: number): SipTimer {
    const timer = { id: ++this.id, at: this.t + Math.max(0, ms) + this.lateness(), cb };
    this.timers.push(timer);
    return { id: timer.id };
  }
  clearTimeout(timer: SipTimer): void {
    this.timers = this.timers.filter((x) => x.id !== timer.id);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Runs timers in due order up to `to`. */
  runUntil(to: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.cb();
    }
    this.t = Math.max(this.t, to);
  }
  /** A stall: the clock jumps ahead without running anything. */
  jump(ms: number): void {
    this.t += ms;
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe('SIP media: the 20 ms pacer', () => {
  it('does not drift when every timer fires late by 0-15 ms', () => {
    const random = seeded(99);
    const clock = new LateClock(() => random() * 15);
    const ran: Array<{ tick: number; at: number }> = [];
    const pacer = new Pacer({ clock, intervalMs: 20, maxBurst: 3, onTick: (tick) => ran.push({ tick, at: clock.now() }) });
    pacer.begin();
    clock.runUntil(60_000);
    pacer.stop();
    // 60 s of 20 ms slots: every one of the 3001 slots ran (a naive setTimeout(20) chain would run about 2180).
    assert.ok(ran.length >= 3000 && ran.length <= 3001, `ran ${ran.length}`);
    assert.equal(pacer.skipped, 0);
    ran.forEach((r, i) => {
      assert.equal(r.tick, i, 'in order, none skipped');
      const late = r.at - i * 20;
      assert.ok(late >= 0, 'never early');
      assert.ok(late < 15 + 20, `tick ${i} late by ${late} ms`);
    });
    const mean = ran.reduce((n, r) => n + (r.at - r.tick * 20), 0) / ran.length;
    assert.ok(mean < 10, `mean lateness ${mean} ms stays bounded (no accumulation)`);
    assert.equal(clock.pending, 0, 'stop() cleared the timer');
  });

  it('catches up after a stall with at most maxBurst ticks at once and counts the skipped ones', () => {
    const clock = new LateClock(() => 0);
    const ran: Array<{ tick: number; at: number }> = [];
    const pacer = new Pacer({ clock, intervalMs: 20, maxBurst: 3, onTick: (tick) => ran.push({ tick, at: clock.now() }) });
    pacer.begin();
    clock.runUntil(100); // ticks 0..5
    assert.deepEqual(
      ran.map((r) => r.tick),
      [0, 1, 2, 3, 4, 5],
    );
    clock.jump(205); // the loop was blocked: 305 ms now, ticks 6..15 were due
    clock.runUntil(305);
    const burst = ran.filter((r) => r.at === 305);
    assert.deepEqual(
      burst.map((r) => r.tick),
      [13, 14, 15],
      'only the newest three of the missed ticks run',
    );
    assert.equal(pacer.skipped, 7);
    clock.runUntil(400);
    const after = ran.filter((r) => r.at > 305);
    assert.deepEqual(
      after.map((r) => r.tick),
      [16, 17, 18, 19, 20],
    );
    for (const r of after) assert.equal(r.at, r.tick * 20, 'back on the grid from the start');
    pacer.stop();
    assert.equal(clock.pending, 0);
  });

  it('keeps its clock when a tick handler throws, and stops from inside a tick', () => {
    const clock = new LateClock(() => 1);
    let count = 0;
    const pacer = new Pacer({
      clock,
      intervalMs: 20,
      onTick: () => {
        count++;
        if (count === 2) throw new Error('boom');
        if (count === 5) pacer.stop();
      },
    });
    pacer.begin();
    clock.runUntil(1000);
    assert.equal(count, 5);
    assert.equal(pacer.isRunning, false);
    assert.equal(clock.pending, 0);
  });
});
