/**
 * The request latency histogram, observed once per request. prom-client's Histogram validates
 * and hashes the label object on every observation; here a request finds its series through
 * three small maps keyed by values Fastify already holds (route pattern, method, status code),
 * and prom-client reads the series as one of its metrics when /metrics is scraped, in its own
 * exposition format (cumulative `_bucket` series with `le`, `_sum` and `_count`).
 */
interface Series {
  labels: { method: string; route: string; status_code: number };
  /** observations per bucket, not cumulative; above the last bound only in count */
  perBucket: Float64Array;
  sum: number;
  count: number;
}

/** One line of the exposition, as prom-client's registry reads it from a metric's get(). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface HistogramSnapshot {
  name: string;
  help: string;
  type: "histogram";
  aggregator: "sum";
  values: Sample[];
}

export class RequestLatencyHistogram {
  readonly type = "histogram" as const;
  /** how prom-client's cluster aggregation merges it */
  readonly aggregator = "sum" as const;
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
  ) {
    if (upperBounds.some((bound, i) => i > 0 && bound <= upperBounds[i - 1]!)) {
      throw new Error("bucket bounds must increase");
    }
  }

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(statusCode);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: statusCode },
        perBucket: new Float64Array(this.upperBounds.length),
        sum: 0,
        count: 0,
      };
      byStatus.set(statusCode, series);
    }
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]!) bucket++;
    if (bucket < bounds.length) series.perBucket[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /** Every series as prom-client's registry reads a metric. */
  async get(): Promise<HistogramSnapshot> {
    const values: Sample[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const byMethod of this.byRoute.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, perBucket, sum, count } of byStatus.values()) {
          let cumulative = 0;
          this.upperBounds.forEach((le, i) => {
            cumulative += perBucket[i]!;
            values.push({ metricName: bucketName, labels: { le, ...labels }, value: cumulative });
          });
          values.push(
            { metricName: bucketName, labels: { le: "+Inf", ...labels }, value: count },
            { metricName: `${this.name}_sum`, labels: { ...labels }, value: sum },
            { metricName: `${this.name}_count`, labels: { ...labels }, value: count },
          );
        }
      }
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  reset(): void {
    this.byRoute.clear();
  }
}
