// Token usage over time, drawn with uPlot (canvas; it sizes elements through the CSSOM, which the
// CSP allows, unlike style attributes in HTML). Loaded lazily with uPlot; its stylesheet is linked
// from main.tsx, because Bun does not load a lazy chunk's CSS.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface UsagePoint {
  /** Start of the bucket, milliseconds. */
  at: number;
  input: number;
  output: number;
}

export function UsageChart({ points, label }: { points: readonly UsagePoint[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [points.map((p) => p.at / 1000), points.map((p) => p.input), points.map((p) => p.output)];
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: "#6b7585", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#dfe3e8" } },
          { stroke: "#6b7585", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#dfe3e8" }, size: 56, values: (_u, vals) => vals.map((v) => (v >= 1000 ? `${Math.round(v / 1000)}k` : String(v))) },
        ],
        series: [
          {},
          { label: "Input tokens", stroke: "#3b4fd8", fill: "rgba(59,79,216,0.10)", width: 2, points: { show: false } },
          { label: "Output tokens", stroke: "#1a7f4b", fill: "rgba(26,127,75,0.08)", width: 2, points: { show: false } },
        ],
      },
      data,
      el,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [points]);
  return (
    <figure class="chart" aria-label={label}>
      <div ref={box} />
      <figcaption class="sr-only">
        {label}: {points.reduce((s, p) => s + p.input, 0)} input and {points.reduce((s, p) => s + p.output, 0)} output tokens in the period.
      </figcaption>
    </figure>
  );
}

/** Buckets usage reports into `bucketMs` intervals ending now, so the chart has an even x axis. */
export function bucketUsage(reports: readonly { createdAt: number; inputTokens: number; outputTokens: number }[], bucketMs: number, buckets: number, now: number): UsagePoint[] {
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - bucketMs * buckets;
  const points: UsagePoint[] = Array.from({ length: buckets }, (_, i) => ({ at: start + i * bucketMs, input: 0, output: 0 }));
  for (const r of reports) {
    const i = Math.floor((r.createdAt - start) / bucketMs);
    const point = points[i];
    if (!point) continue;
    point.input += r.inputTokens;
    point.output += r.outputTokens;
  }
  return points;
}
