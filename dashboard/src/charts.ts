/**
 * The last hour in three uPlot charts: queue length (waiting and active), arrivals and closes per minute, and the
 * 15-minute service level against its target. uPlot draws on a canvas from plain arrays, which is what a chart that
 * is redrawn on every push needs (small and fast); the data comes from MetricsHistory.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';
import type { MetricsHistory } from './metrics-history.js';

const HEIGHT = 160;
/** Right after the page opens the samples span seconds: show at least five minutes so the axis reads as time. */
const MIN_SPAN_SECONDS = 300;
const timeScale: uPlot.Scales = { x: { time: true, range: (_u, min, max) => [Math.min(min ?? max - MIN_SPAN_SECONDS, max - MIN_SPAN_SECONDS), max] } };

function chart(container: HTMLElement, key: string, title: string, series: uPlot.Series[], axes?: uPlot.Axis[], scales?: uPlot.Scales): uPlot {
  const box = h('div', { class: 'chart', 'data-chart': key });
  container.append(box);
  const width = Math.max(240, box.clientWidth || 360);
  const data = [[], ...series.map(() => [])] as unknown as uPlot.AlignedData;
  return new uPlot({ title, width, height: HEIGHT, series: [{}, ...series], ...(axes ? { axes } : {}), ...(scales ? { scales } : {}), legend: { live: false } }, data, box);
}

export class Charts {
  private readonly queue: uPlot;
  private readonly flow: uPlot;
  private readonly level: uPlot;
  /** How many times data reached the charts: the browser test reads it to see them move. */
  private draws = 0;
  private readonly observer = new ResizeObserver(() => this.resize());

  constructor(private readonly container: HTMLElement, private readonly history: MetricsHistory) {
    container.replaceChildren();
    // A count holds its value until the next push: stepped lines, not slopes between samples.
    const steps = uPlot.paths.stepped!({ align: 1 });
    this.queue = chart(
      container,
      'queue',
      'Queue length',
      [
        { label: 'waiting', stroke: '#d9480f', width: 2, paths: steps },
        { label: 'active', stroke: '#1971c2', width: 2, paths: steps },
      ],
      undefined,
      timeScale,
    );
    const bars = uPlot.paths.bars!({ size: [0.6, 12] });
    this.flow = chart(container, 'flow', 'Per minute', [
      { label: 'arrivals', stroke: '#2f9e44', fill: 'rgba(47,158,68,0.35)', paths: bars },
      { label: 'closes', stroke: '#862e9c', width: 2 },
    ]);
    this.level = chart(
      container,
      'service-level',
      'Service level 15m (%)',
      [
        { label: 'service level', stroke: '#0c8599', width: 2, spanGaps: true },
        { label: 'target', stroke: '#868e96', dash: [6, 4] },
      ],
      [{}, { values: (_u, ticks) => ticks.map((v) => `${v}%`) }],
      { ...timeScale, y: { range: [0, 100] } },
    );
    this.observer.observe(container);
  }

  /** Another project was picked or the user signed out: stop following the page's size and free the canvases. */
  destroy(): void {
    this.observer.disconnect();
    for (const u of [this.queue, this.flow, this.level]) u.destroy();
  }

  redraw(nowMs: number = Date.now()): void {
    const s = this.history.samples;
    this.queue.setData([s.t, s.waiting, s.active]);
    const m = this.history.perMinute(nowMs);
    this.flow.setData([m.t, m.arrivals, m.closes]);
    this.level.setData([s.t, s.serviceLevel, s.target] as uPlot.AlignedData);
    this.draws += 1;
    this.container.dataset.draws = String(this.draws);
  }

  private resize(): void {
    for (const u of [this.queue, this.flow, this.level]) {
      const width = u.root.parentElement?.clientWidth;
      if (width && Math.abs(width - u.width) > 4) u.setSize({ width, height: HEIGHT });
    }
  }
}
