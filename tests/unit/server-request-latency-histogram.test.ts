import { Histogram, Registry, type Metric } from "prom-client";
import { describe, expect, it } from "vitest";
import { RequestLatencyHistogram } from "../../dashboard/server/plugins/request-latency-histogram.js";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HELP = "Time from receiving a request to the end of its answer";

// method, route, status, seconds: bounds hit exactly, values past the last bound, several series
const OBSERVATIONS: [string, string, number, number][] = [
  ["GET", "/api/forecast", 200, 0.0003],
  ["GET", "/api/forecast", 200, 0.0005],
  ["GET", "/healthz", 200, 0.002],
  ["GET", "/api/forecast", 304, 0.0001],
  ["POST", "/api/predict", 200, 0.04],
  ["POST", "/api/predict", 400, 3.7],
  ["GET", "/api/forecast", 200, 0.0125],
  ["GET", "unmatched", 404, 2.5],
  ["POST", "/api/predict", 200, 0.0049],
];

async function exposition(register: (registry: Registry) => (o: (typeof OBSERVATIONS)[0]) => void) {
  const registry = new Registry();
  const observe = register(registry);
  OBSERVATIONS.forEach(observe);
  // series order within the family is free in the text format; compare the lines as a set
  return (await registry.metrics()).split("\n").sort();
}

describe("RequestLatencyHistogram", () => {
  it("exposes exactly what prom-client's own Histogram does for the same observations", async () => {
    const ours = await exposition((registry) => {
      const histogram = new RequestLatencyHistogram("http_request_duration_seconds", HELP, BUCKETS);
      registry.registerMetric(histogram as unknown as Metric);
      return ([method, route, status, seconds]) =>
        histogram.observe(method, route, status, seconds);
    });
    const theirs = await exposition((registry) => {
      const histogram = new Histogram({
        name: "http_request_duration_seconds",
        help: HELP,
        labelNames: ["method", "route", "status_code"],
        buckets: BUCKETS,
        registers: [registry],
      });
      return ([method, route, status, seconds]) =>
        histogram.observe({ method, route, status_code: status }, seconds);
    });
    expect(ours).toEqual(theirs);
    expect(ours).toContain(
      'http_request_duration_seconds_count{method="GET",route="/api/forecast",status_code="200"} 3',
    );
    expect(ours).toContain(
      'http_request_duration_seconds_bucket{le="0.0005",method="GET",route="/api/forecast",status_code="200"} 2',
    );
    expect(ours).toContain(
      'http_request_duration_seconds_bucket{le="2.5",method="POST",route="/api/predict",status_code="400"} 0',
    );
  });

  it("forgets every series on reset, as the registry's resetMetrics() expects", async () => {
    const histogram = new RequestLatencyHistogram("latency", HELP, BUCKETS);
    histogram.observe("GET", "/healthz", 200, 0.001);
    histogram.reset();
    expect((await histogram.get()).values).toEqual([]);
  });

  it("refuses bucket bounds that do not increase", () => {
    expect(() => new RequestLatencyHistogram("latency", HELP, [0.1, 0.1])).toThrow(/increase/);
  });
});
