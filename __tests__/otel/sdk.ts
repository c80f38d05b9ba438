/**
 * The real OpenTelemetry SDKs, set up as an application would: a MeterProvider exporting to
 * the SDK's in-memory exporter (flushed on demand), and a tracer provider with the in-memory
 * span exporter and the async-hooks context manager.
 */
import { context, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader,
  type DataPoint, type Histogram, type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface MetricSdk {
  readonly provider: MeterProvider;
  /** Exports now and returns every metric by name (cumulative since the start). */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

export function startMetricSdk(): MetricSdk {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // A day between exports: nothing is exported but what forceFlush asks for.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 86_400_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resource of exporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
      return byName;
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The data points of `metric` whose attributes include every entry of `where`. */
export function pointsOf<T = number>(metric: MetricData | undefined, where: Attributes = {}): Array<DataPoint<T>> {
  if (metric === undefined) return [];
  return (metric.dataPoints as Array<DataPoint<T>>).filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v));
}

/** The sum of the values of the matching points of a counter (or gauge). */
export function total(metric: MetricData | undefined, where: Attributes = {}): number {
  return pointsOf<number>(metric, where).reduce((sum, p) => sum + p.value, 0);
}

/** Count and sum over the matching points of a histogram. */
export function histogram(metric: MetricData | undefined, where: Attributes = {}): { count: number; sum: number } {
  return pointsOf<Histogram>(metric, where).reduce((acc, p) => ({ count: acc.count + p.value.count, sum: acc.sum + (p.value.sum ?? 0) }), { count: 0, sum: 0 });
}

export interface TraceSdk {
  readonly exporter: InMemorySpanExporter;
  shutdown(): Promise<void>;
}

/** Registers a global tracer provider and context manager (undone by `shutdown`). */
export function startTraceSdk(): TraceSdk {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
