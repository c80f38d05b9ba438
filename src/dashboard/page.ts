import { createHash } from 'node:crypto';
import { LATENCY_SAMPLES, RATE_WINDOW_SECONDS } from './operation-tracker.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The statistics page: one self-contained HTML document (its style and script inline), which
 * holds no data itself; everything shown arrives through the feed as JSON.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>maestro-retry: live statistics</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>maestro-retry <small>live statistics</small></h1><span id="status" class="status">connecting</span></header>
<main>
<section class="tiles" aria-label="Totals">
<div class="tile"><span class="label">Calls</span><span class="value" data-total="calls">\u2013</span></div>
<div class="tile"><span class="label">Succeeded</span><span class="value" data-total="successes">\u2013</span></div>
<div class="tile"><span class="label">Failed</span><span class="value" data-total="failures">\u2013</span></div>
<div class="tile"><span class="label">Retries</span><span class="value" data-total="retries">\u2013</span></div>
<div class="tile"><span class="label">In flight</span><span class="value" data-total="inFlight">\u2013</span></div>
<div class="tile"><span class="label">Success rate</span><span class="value" data-total="successRate">\u2013</span></div>
</section>
<section class="panel"><h2>Operations <small id="ops-note"></small></h2>
<table id="operations"><thead><tr><th>Operation</th><th>Calls</th><th>Calls/s</th><th>Retries</th><th>Retries/s</th><th>Success</th><th class="reasons">Give-ups</th><th>p50</th><th>p99</th><th>Calls/s, last minute</th></tr></thead><tbody></tbody></table>
</section>
<section class="panel"><h2>Circuit breakers</h2>
<table id="breakers"><thead><tr><th>Breaker</th><th>State</th><th>In state for</th><th>Transitions</th></tr></thead><tbody></tbody></table>
</section>
<section class="panel"><h2>Retry budgets</h2>
<table id="budgets"><thead><tr><th>Budget</th><th>Retries available</th><th>Tokens</th><th>Refusals</th></tr></thead><tbody></tbody></table>
</section>
<section class="panel"><h2>Rate limiters</h2>
<table id="limiters"><thead><tr><th>Limiter</th><th>Mode</th><th>Rate</th><th>Throttles</th><th>Waits</th></tr></thead><tbody></tbody></table>
</section>
</main>
<footer>Counts are the registry's, since it started; rates average the last ${RATE_WINDOW_SECONDS} s; p50 and p99 cover each operation's latest ${LATENCY_SAMPLES} attempts. Refreshed every <span id="interval">1</span> s; last update <span id="updated">\u2013</span>.</footer>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

/**
 * The page's Content-Security-Policy: nothing may load but its own inline style and script
 * (by hash) and the feed on the same origin; it cannot be framed.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
