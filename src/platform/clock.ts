/** platform/clock: the current time, a dependency of whatever compares against it (link expiry, retention, back-off). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
