/**
 * The bridge's metrics as Prometheus scrapes them: the real Prometheus exporter, mounted on a
 * loopback HTTP server (port 0), scraped over HTTP after a scripted load.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ManualClock, RetryRegistry } from 'maestro-retry';
import { createRetryTelemetry } from '../../src/otel/index.js';
import { runScenario } from './scenario.js';

/** The value of the sample whose name and labels are given (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('Prometheus', () => {
  let server: Server;
  let exporter: PrometheusExporter;
  let provider: MeterProvider;
  let url: string;

  beforeAll(async () => {
    exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter] });
    server = createServer((req, res) => {
      if (req.url === '/metrics') exporter.getMetricsRequestHandler(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await provider.shutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves every instrument, with Prometheus names, units and labels', async () => {
    const clock = new ManualClock();
    const registry = new RetryRegistry();
    const telemetry = createRetryTelemetry({ meterProvider: provider });
    registry.subscribe(telemetry);
    await runScenario({ clock, registry });

    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();

    expect(text).toContain('# TYPE maestro_retry_calls_total counter');
    // This exporter keeps the unit in a UNIT line rather than in the name.
    expect(text).toContain('# TYPE maestro_retry_call_duration histogram');
    expect(text).toContain('# UNIT maestro_retry_call_duration s');
    expect(sample(text, 'maestro_retry_calls_total', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'success' })).toBe(2);
    expect(sample(text, 'maestro_retry_calls_total', { maestro_retry_operation_name: 'orders.put', maestro_retry_give_up_reason: 'exhausted', error_type: 'ConnResetError' })).toBe(1);
    expect(sample(text, 'maestro_retry_attempts_total', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'error', maestro_retry_attempt_hedge: 'false' })).toBe(2);
    expect(sample(text, 'maestro_retry_attempt_duration_count', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'success' })).toBe(2);
    expect(sample(text, 'maestro_retry_attempt_duration_sum', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'success' })).toBeCloseTo(0.04, 9);
    // The successful attempts took 30 ms and 10 ms: one in the 25 ms bucket, both in the 50 ms one.
    expect(sample(text, 'maestro_retry_attempt_duration_bucket', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'success', le: '0.025' })).toBe(1);
    expect(sample(text, 'maestro_retry_attempt_duration_bucket', { maestro_retry_operation_name: 'users.get', maestro_retry_outcome: 'success', le: '0.05' })).toBe(2);
    expect(sample(text, 'maestro_retry_retry_delay_count', { maestro_retry_operation_name: 'users.get' })).toBe(2);
    expect(sample(text, 'maestro_retry_retry_delay_sum', { maestro_retry_operation_name: 'users.get' })).toBeCloseTo(0.3, 9);
    expect(sample(text, 'maestro_retry_call_retries_sum', { maestro_retry_operation_name: 'orders.put' })).toBe(1);
    // No error message reaches a label.
    expect(text).not.toContain('ECONNRESET');
    expect(text).not.toContain('order 42 is closed');
  });
});
