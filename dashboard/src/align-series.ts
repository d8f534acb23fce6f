/**
 * Several series sampled at different times on one x axis (uPlot wants one x array): the union of the times in
 * order, each series null where it has no point (uPlot draws a gap there, or spans it where the series says so).
 */
export function align(series: Map<number, number | null>[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  return [xs, ...series.map((s) => xs.map((x) => s.get(x) ?? null))];
}
