/**
 * One uPlot chart in a panel, with a time axis over a fixed window the caller names (the last 6 hours, today, the
 * next hours) rather than the data's own span: one point draws as one point in a sane window, never as a two-year
 * axis. After each draw the box records what was drawn (`data-x-min`, `data-x-max` in Unix seconds, from uPlot's own
 * scale) so a test can read the axis the canvas shows.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';

const HEIGHT = 170;
/** Below this a chart cannot say anything: the page stays at 360 px wide with a little less than this per chart. */
const MIN_WIDTH = 220;

export interface Window {
  /** Unix seconds. */
  from: number;
  to: number;
}

export class ChartBox {
  readonly box: HTMLElement;
  private readonly plot: uPlot;
  private window: Window = { from: 0, to: 1 };

  constructor(container: HTMLElement, key: string, title: string, series: uPlot.Series[], options: { y?: uPlot.Scale; yValues?: (v: number) => string } = {}) {
    this.box = h('div', { class: 'chart', 'data-chart': key });
    container.append(this.box);
    const data = [[], ...series.map(() => [])] as unknown as uPlot.AlignedData;
    this.plot = new uPlot(
      {
        title,
        width: this.width(),
        height: HEIGHT,
        series: [{}, ...series],
        scales: { x: { time: true, range: () => [this.window.from, this.window.to] }, ...(options.y ? { y: options.y } : {}) },
        axes: [{}, options.yValues ? { values: (_u, ticks) => ticks.map(options.yValues!) } : {}],
        legend: { live: false },
      },
      data,
      this.box,
    );
  }

  draw(window: Window, data: uPlot.AlignedData): void {
    this.window = window;
    this.plot.setData(data, true);
    const x = this.plot.scales.x;
    this.box.dataset.xMin = String(Math.round(x?.min ?? NaN));
    this.box.dataset.xMax = String(Math.round(x?.max ?? NaN));
  }

  resize(): void {
    const width = this.width();
    if (Math.abs(width - this.plot.width) > 4) this.plot.setSize({ width, height: HEIGHT });
  }

  destroy(): void {
    this.plot.destroy();
  }

  private width(): number {
    return Math.max(MIN_WIDTH, this.box.clientWidth || 320);
  }
}
