// Times for people: clock times, "for 2 min 05 s", countdowns. Pure.

/** "1 h 02 min", "2 min 05 s", "42 s". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Milliseconds since the epoch from an ISO time, NaN if unreadable. */
export const msOf = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** What a fault's countdown says: "ends in 42 s", "ending…" once due, or that it holds. */
export function countdownText(endsAt: string | undefined, now: number): string {
  const end = msOf(endsAt);
  if (Number.isNaN(end)) return 'holds until reverted';
  const left = (end - now) / 1000;
  return left > 0.5 ? `ends in ${durationText(left)}` : 'ending…';
}

/** "14:05:09" in the browser's time zone; "" if unreadable. */
export function clockText(iso: string | undefined, timeZone?: string): string {
  const t = msOf(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) });
}

/** "since 14:05:09 (2 min 05 s)". */
export function sinceText(iso: string | undefined, now: number): string {
  const t = msOf(iso);
  if (Number.isNaN(t)) return '';
  return `since ${clockText(iso)} (${durationText((now - t) / 1000)})`;
}

/**
 * A URL from the API as a link target: http(s) URLs and same-origin paths only (a `javascript:`
 * URL would run on click); undefined otherwise.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = url.trim();
  return /^https?:\/\/[^\s]+$/i.test(u) || /^\/(?!\/)\S*$/.test(u) ? u : undefined;
}
