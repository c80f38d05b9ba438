/**
 * OpenTelemetry metrics scraped by Prometheus: `npx tsx examples/otel-prometheus.ts`.
 *
 * An application sets up the OpenTelemetry SDK once (here a MeterProvider read by the
 * Prometheus exporter, whose `/metrics` handler is mounted on the application's own
 * `node:http` server), then hands `createRetryTelemetry()` to the registry its calls record
 * in. The example runs a few retried calls, scrapes `/metrics` as Prometheus would, and prints
 * the maestro-retry lines.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { RetryRegistry, withRetry } from 'maestro-retry';
import { createRetryTelemetry } from 'maestro-retry/otel';
import { runWhenExecuted, type Log } from './support.js';

export async function main(log: Log = console.log): Promise<{ text: string }> {
  // The SDK, as the application sets it up (once, at startup).
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  const server = createServer((req, res) => {
    if (req.url === '/metrics') exporter.getMetricsRequestHandler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;

  // maestro-retry's part: one line (with the default registry: defaultRegistry.subscribe(...)).
  const registry = new RetryRegistry();
  const telemetry = createRetryTelemetry();
  registry.subscribe(telemetry);

  let n = 0;
  const getStock = withRetry(async (sku: string) => {
    if (++n % 2 === 1) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    return { sku, inStock: 3 };
  }, { registry, operationName: 'stock.get', initialDelay: 5, jitter: 'none' });
  for (const sku of ['A-1', 'A-2', 'A-3']) await getStock(sku);

  // Prometheus scrapes the endpoint.
  const text = await (await fetch(url)).text();
  log(`Scraped ${url}`);
  log('(operation stock.get; names and labels shown without maestro_retry_):');
  const shown = /^maestro_retry_(calls_total|attempts_total|call_duration_count|retry_delay_sum|call_retries_sum)\{/;
  for (const line of text.split('\n')) {
    if (!shown.test(line)) continue;
    const short = line
      .replace(/,?(otel_scope_name|maestro_retry_operation_name)="[^"]*"/g, '')
      .replace(/\{,/, '{')
      .replace(/(^|[{,])maestro_retry_/g, '$1');
    log(`  ${short}`);
  }

  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await provider.shutdown();
  metrics.disable();
  return { text };
}

runWhenExecuted('otel-prometheus', main);
