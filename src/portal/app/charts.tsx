import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, seg } from './api';
import type { EndpointStats, StatsBucket } from './types';
import { Loaded, useLoad } from './ui';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Success rate as a percentage, whether the API gives a fraction or a percentage; null without attempts. */
export function percent(rate: number | null, bucket: StatsBucket): number | null {
  if (bucket.attempts === 0) return null;
  if (rate === null) return (bucket.succeeded / bucket.attempts) * 100;
  return rate <= 1 ? rate * 100 : rate;
}

/** One uPlot chart, redrawn when its data changes, sized to its container. */
function Chart(props: { title: string; series: { label: string; values: (number | null)[]; bars?: boolean }[]; times: number[]; unit: string; max?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(320, Math.min(element.clientWidth || 640, 900));
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const plot = new uPlot(
      {
        width,
        height: 200,
        scales: { y: props.max === undefined ? {} : { range: [0, props.max] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t}${props.unit}`), size: 60 }],
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            fill: s.bars ? `${COLOURS[i % COLOURS.length]}88` : undefined,
            paths: s.bars ? bars : undefined,
            width: s.bars ? 0 : 2,
            // Hours without attempts are gaps; points keep a lone hour visible between them.
            points: { show: !s.bars, size: 6 },
            spanGaps: false,
          })),
        ],
      },
      [props.times, ...props.series.map((s) => s.values)],
      element,
    );
    return () => plot.destroy();
  }, [props.times, props.series, props.unit, props.max]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title}, chart; the same figures are in the table below`} />
    </figure>
  );
}

/** Success rate, latency and attempts by outcome over the last 24 hours, hour by hour. */
export function Charts({ app, id, version }: { app: string; id: string; version: number }) {
  const [load, reload] = useLoad(() => api<EndpointStats>('GET', `/v1/applications/${seg(app)}/endpoints/${seg(id)}/stats?window=24h&bucket=1h`), [app, id, version]);
  return (
    <section>
      <h3>Last 24 hours</h3>
      <button type="button" onClick={reload}>
        Refresh charts
      </button>
      <Loaded load={load}>{(stats) => <StatsCharts stats={stats} />}</Loaded>
    </section>
  );
}

function StatsCharts({ stats }: { stats: EndpointStats }) {
  const buckets = stats.buckets;
  const times = buckets.map((b) => Date.parse(b.start) / 1000);
  const outcomes = [...new Set(buckets.flatMap((b) => Object.keys(b.byOutcome)))].sort();
  const total = buckets.reduce((sum, b) => sum + b.attempts, 0);
  return (
    <>
      <p>
        {total} {total === 1 ? 'attempt' : 'attempts'} in the last 24 hours
        {total > 0 && `, ${Math.round((buckets.reduce((sum, b) => sum + b.succeeded, 0) / total) * 1000) / 10}% succeeded`}.
      </p>
      <div class="charts">
        <Chart title="Success rate" unit="%" max={100} times={times} series={[{ label: 'Success rate', values: buckets.map((b) => percent(b.successRate, b)) }]} />
        <Chart
          title="Latency"
          unit=" ms"
          times={times}
          series={[
            { label: 'p50', values: buckets.map((b) => b.latencyMs.p50) },
            { label: 'p95', values: buckets.map((b) => b.latencyMs.p95) },
          ]}
        />
        <Chart
          title="Attempts by outcome"
          unit=""
          times={times}
          series={outcomes.map((o) => ({ label: o, values: buckets.map((b) => b.byOutcome[o] ?? 0), bars: true }))}
        />
      </div>
      <details>
        <summary>Figures by hour</summary>
        <table>
          <caption>Attempts by hour</caption>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col">Attempts</th>
              <th scope="col">Succeeded</th>
              <th scope="col">Failed</th>
              <th scope="col">Outcomes</th>
              <th scope="col">Latency p50 / p95</th>
            </tr>
          </thead>
          <tbody>
            {buckets
              .filter((b) => b.attempts > 0)
              .map((b) => (
                <tr key={b.start}>
                  <td>{new Date(b.start).toLocaleString()}</td>
                  <td>{b.attempts}</td>
                  <td>{b.succeeded}</td>
                  <td>{b.failed}</td>
                  <td>
                    {Object.entries(b.byOutcome)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(', ')}
                  </td>
                  <td>
                    {b.latencyMs.p50 ?? '—'} / {b.latencyMs.p95 ?? '—'} ms
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
