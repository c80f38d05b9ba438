/** How many of the ascending `times` are at or after `from` and before `to` (by binary search). */
export function countBetween(times: readonly number[], from: number, to: number): number {
  return firstAtOrAfter(times, to) - firstAtOrAfter(times, from);
}

/** The index of the first of the ascending `times` at or after `t`. */
function firstAtOrAfter(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
