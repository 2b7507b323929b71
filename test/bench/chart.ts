import type { Percentiles } from './stats';

/** One measured load level. */
export interface LatencyPoint {
  /** Offered rate, messages per second. */
  rate: number;
  latency: Percentiles;
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 64, right: 24, top: 32, bottom: 48 };
const SERIES: { key: 'p50' | 'p95' | 'p99'; color: string }[] = [
  { key: 'p50', color: '#2b7bb9' },
  { key: 'p95', color: '#e08a1e' },
  { key: 'p99', color: '#c0392b' },
];

/**
 * Accepted-to-delivered latency against offered load as a small hand-written SVG: one line per
 * percentile and a dashed line at the measured maximum, so no charting dependency is needed.
 */
export function latencyChartSvg(points: LatencyPoint[], maxRate: number): string {
  const xMax = Math.max(maxRate, ...points.map((p) => p.rate), 1) * 1.1;
  const yMax = Math.max(...points.map((p) => p.latency.p99), 1) * 1.15;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number): number => MARGIN.left + (rate / xMax) * plotW;
  const y = (ms: number): number => MARGIN.top + plotH - (Math.max(0, ms) / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">Hookway accepted-to-delivered latency vs load (fan-out 1)</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">offered load (messages/s)</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">latency (ms)</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const ms = (yMax / 4) * i;
    const rate = (xMax / 4) * i;
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(ms) + 4}" text-anchor="end">${Math.round(ms)}</text>`);
    parts.push(`<text x="${x(rate)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${Math.round(rate)}</text>`);
  }
  parts.push(
    `<line x1="${x(maxRate)}" y1="${MARGIN.top}" x2="${x(maxRate)}" y2="${MARGIN.top + plotH}" stroke="#888" stroke-dasharray="4 4"/>`,
    `<text x="${x(maxRate) - 4}" y="${MARGIN.top + 12}" text-anchor="end" fill="#555">max ${Math.round(maxRate)}/s</text>`,
  );
  SERIES.forEach(({ key, color }, i) => {
    const coords = points.map((p) => `${x(p.rate).toFixed(1)},${y(p.latency[key]).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>`);
    for (const c of coords) parts.push(`<circle cx="${c.split(',')[0]}" cy="${c.split(',')[1]}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${MARGIN.left + 12 + i * 56}" y="${MARGIN.top + 12}" fill="${color}">${key}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
