/**
 * The CUBIC growth curve (RFC 8312), as the AWS SDK's adaptive retry mode uses it for a send
 * rate: after a throttle cut the rate from `maxRate` to `beta * maxRate`, it regrows as
 *
 *     W(t) = scale * (t - K)^3 + maxRate,   K = cbrt(maxRate * (1 - beta) / scale)
 *
 * with `t` in seconds since the throttle. `W(0) = beta * maxRate`; the curve flattens as it
 * nears `maxRate` (at `t = K`) and then probes beyond it faster and faster.
 */

/**
 * The time, in seconds after a throttle, at which the curve is back at `maxRate`.
 *
 * @example
 * cubicK(10, 0.7, 0.4); // cbrt(7.5) ≈ 1.957
 */
export function cubicK(maxRate: number, beta: number, scale: number): number {
  return Math.cbrt((maxRate * (1 - beta)) / scale);
}

/**
 * The rate `seconds` after a throttle that cut it from `maxRate`.
 *
 * @example
 * cubicRate(0, 10, 0.7, 0.4);                 // 7 (= beta * maxRate)
 * cubicRate(cubicK(10, 0.7, 0.4), 10, 0.7, 0.4); // 10
 */
export function cubicRate(seconds: number, maxRate: number, beta: number, scale: number): number {
  return scale * (seconds - cubicK(maxRate, beta, scale)) ** 3 + maxRate;
}
