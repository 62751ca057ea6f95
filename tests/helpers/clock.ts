import type { Clock } from '../../src/platform/clock';

/** A clock tests can set and advance (link expiry, retention, back-off). */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-11-28T12:00:00Z')) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date): void {
    this.current = date;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
