/**
 * The throughput chart of the loader bench: one panel per data set, a horizontal bar per row
 * (MB/s or files/s), written by vega-lite and rendered headless to SVG by vega.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RowSummary } from './report.js';

/** How one set's throughput is shown; sets not listed (D: memory only) have no panel. */
interface PanelKind {
  readonly title: string;
  readonly unit: string;
  readonly measure: (row: RowSummary) => number;
}

const PANELS: Readonly<Record<string, PanelKind>> = {
  A: { title: 'Set A: a few large files', unit: 'MB/s', measure: (row) => row.mbPerSecond },
  B: { title: 'Set B: many files of 4-64 KiB', unit: 'files/s', measure: (row) => row.filesPerSecond },
  C: { title: 'Set C: mixed tree', unit: 'MB/s', measure: (row) => row.mbPerSecond },
};

const KINDS = ['Longshore', 'peer tool', 'bound (one side alone)'] as const;
type Kind = (typeof KINDS)[number];
const COLOURS: Readonly<Record<Kind, string>> = {
  Longshore: '#2b6cb0',
  'peer tool': '#e07b39',
  'bound (one side alone)': '#b4b4b4',
};
/** A bound past this many times the best tool of its set is cut, so the tools stay readable. */
const CUT_FACTOR = 3;
/** Room right of the longest uncut bar for its value. */
const LABEL_ROOM = 1.18;
const PANEL_WIDTH = 620;
const BAR_STEP = 24;
/** Width of every panel's row names, so the panels' bars start at the same x. */
const ROW_NAMES_WIDTH = 230;
const FONT = 'sans-serif';

/** One bar as the chart's data: the shown length may be cut, the label never is. */
interface Bar {
  readonly row: string;
  readonly kind: Kind;
  readonly shown: number;
  readonly label: string;
  readonly cut: boolean;
}

type Panel = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

function kindOf(row: string): Kind {
  if (row.startsWith('longshore')) return 'Longshore';
  return /\bbound\)/.test(row) ? 'bound (one side alone)' : 'peer tool';
}

function formatValue(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 1 : 0 });
}

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above value. */
function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return (
    [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((step) => step * power).find((nice) => nice >= value) ??
    10 * power
  );
}

/** The axis end: room for every uncut bar and its value; bounds far beyond the tools are cut. */
function axisEnd(values: readonly number[], tools: readonly number[]): number {
  const cut = tools.length > 0 ? CUT_FACTOR * Math.max(...tools) : Infinity;
  const kept = values.filter((value) => value <= cut);
  return niceCeil(Math.max(...kept, 0) * LABEL_ROOM);
}

/** Longshore first, then the peers, then the bounds, each in the order the rows came. */
function barsOf(rows: readonly RowSummary[], panel: PanelKind): { bars: Bar[]; end: number } {
  const byKind = [...rows].sort((a, b) => KINDS.indexOf(kindOf(a.row)) - KINDS.indexOf(kindOf(b.row)));
  const values = byKind.map(panel.measure);
  const tools = byKind.filter((row) => kindOf(row.row) !== 'bound (one side alone)').map(panel.measure);
  const end = axisEnd(values, tools);
  const bars = byKind.map((row, i) => {
    const value = values[i]!;
    const cut = value > end;
    const label = cut ? `${formatValue(value)} (bar cut) ›` : formatValue(value);
    return { row: row.row, kind: kindOf(row.row), shown: Math.min(value, end), label, cut };
  });
  return { bars, end };
}

/** Bars, their values at the end (inside the bar when the bar is cut). */
function panelSpec(set: string, panel: PanelKind, rows: readonly RowSummary[]): Panel {
  const { bars, end } = barsOf(rows, panel);
  const label = { field: 'label', type: 'nominal' } as const;
  return {
    title: { text: panel.title, anchor: 'start', frame: 'group', fontSize: 14 },
    width: PANEL_WIDTH,
    height: { step: BAR_STEP },
    data: { name: `set-${set}`, values: bars },
    encoding: {
      y: { field: 'row', type: 'nominal', sort: null, title: null },
      x: {
        field: 'shown',
        type: 'quantitative',
        title: `${panel.unit} (median)`,
        scale: { domain: [0, end], nice: false },
      },
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.72 } },
        encoding: {
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: [...KINDS], range: KINDS.map((kind) => COLOURS[kind]) },
          },
        },
      },
      {
        transform: [{ filter: '!datum.cut' }],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 12 },
        encoding: { text: label },
      },
      {
        transform: [{ filter: 'datum.cut' }],
        mark: { type: 'text', align: 'right', baseline: 'middle', dx: -6, fontSize: 12, color: '#222' },
        encoding: { text: label },
      },
    ],
  };
}

/** The whole chart as a vega-lite spec, one panel per set with a throughput meaning. */
export function throughputChartSpec(rows: readonly RowSummary[]): TopLevelSpec {
  const sets = [...new Set(rows.map((row) => String(row.set)))].filter((set) => set in PANELS);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Longshore vs peer tools into Ceph RGW (medians)',
      subtitle: 'Grey bounds: reading the disk alone (tar) or the gateway ingesting alone (curl)',
      anchor: 'start',
      fontSize: 18,
      subtitleFontSize: 12,
      subtitleColor: '#555',
      offset: 12,
    },
    padding: 16,
    background: 'white',
    vconcat: sets.map((set) =>
      panelSpec(
        set,
        PANELS[set]!,
        rows.filter((row) => row.set === set),
      ),
    ),
    spacing: 28,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: {
      font: FONT,
      axis: { labelFontSize: 12, titleFontSize: 12 },
      axisY: { minExtent: ROW_NAMES_WIDTH, maxExtent: ROW_NAMES_WIDTH, labelLimit: 0 },
      legend: { orient: 'top', labelFontSize: 12, symbolType: 'square', labelLimit: 260 },
      view: { stroke: null },
    },
  };
}

/** The chart as a standalone SVG document. */
export async function renderThroughputChart(rows: readonly RowSummary[]): Promise<string> {
  const { spec } = compile(throughputChartSpec(rows));
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
