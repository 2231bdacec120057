import { ActionIcon, Group, Paper, Text, Tooltip } from "@mantine/core";
import { useMemo, useRef, useState, type PointerEvent, type WheelEvent } from "react";
import type { Direction, Trace, TraceNode } from "../api/traceability";
import { formatQuantity } from "../lib/format";
import { useTranslation } from "react-i18next";
import i18n from "../i18n";

const COL = 230; // horizontal distance between columns
const ROW = 74;
const LOT_SIZE = { w: 170, h: 50 };
const SIZES: Record<string, { w: number; h: number } | undefined> = {
  lot: { w: 170, h: 50 },
  serial: { w: 170, h: 50 },
  work_order: { w: 130, h: 40 },
  operation: { w: 130, h: 34 },
};

export interface Placed {
  node: TraceNode;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Columns by (longest) distance from the traced lot along the walk, material flowing left to right (so a
 * backward trace ends at the right, a forward one starts at the left); rows ordered by where the
 * neighbours of the previous column sit, which keeps crossings few.
 */
export function layout(trace: Trace, direction: Direction): Placed[] {
  const next = new Map<string, string[]>();
  for (const e of trace.edges) {
    const [from, to] = direction === "backward" ? [e.dst, e.src] : [e.src, e.dst];
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  // longest distance from the root, so every edge points the way material flows (a genealogy is
  // acyclic; the rounds are bounded all the same)
  const col = new Map<string, number>([[trace.root, 0]]);
  for (let round = 0; round < trace.nodes.length; round++) {
    let changed = false;
    for (const [from, tos] of next) {
      const c = col.get(from);
      if (c === undefined) continue;
      for (const to of tos) {
        if ((col.get(to) ?? -1) < c + 1) {
          col.set(to, c + 1);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const byCol = new Map<number, TraceNode[]>();
  for (const node of trace.nodes) {
    const c = col.get(node.key);
    if (c === undefined) continue;
    byCol.set(c, [...(byCol.get(c) ?? []), node]);
  }
  const maxCol = Math.max(0, ...byCol.keys());
  const row = new Map<string, number>();
  const placed: Placed[] = [];
  for (let c = 0; c <= maxCol; c++) {
    const nodes = byCol.get(c) ?? [];
    const parentsRow = (n: TraceNode) => {
      const rows = trace.edges
        .filter((e) => (direction === "backward" ? e.src === n.key : e.dst === n.key))
        .map((e) => row.get(direction === "backward" ? e.dst : e.src))
        .filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
    };
    nodes.sort((a, b) => parentsRow(a) - parentsRow(b) || a.code.localeCompare(b.code));
    nodes.forEach((n, i) => {
      row.set(n.key, i);
      const size = SIZES[n.kind] ?? LOT_SIZE;
      const x = (direction === "backward" ? maxCol - c : c) * COL;
      const y = (i - (nodes.length - 1) / 2) * ROW;
      placed.push({ node: n, x, y, ...size });
    });
  }
  return placed;
}

const FILL: Record<string, string | undefined> = {
  received: "#0b7285",
  produced: "#1c5ea8",
  split: "#5f3dc4",
  serial: "#862e9c",
  work_order: "#343a40",
  operation: "#868e96",
};

function fill(n: TraceNode): string {
  if (n.kind === "work_order" || n.kind === "operation" || n.kind === "serial") return FILL[n.kind] ?? "#495057";
  return FILL[n.origin ?? ""] ?? "#495057";
}

function label(n: TraceNode): [string, string] {
  if (n.kind === "operation") return [i18n.t("trace.graph.op", { op: n.operation ?? "" }), n.equipment ?? n.work_center ?? ""];
  if (n.kind === "work_order") return [n.code, n.item ?? ""];
  return [n.code, n.item ?? ""];
}

/** The genealogy as an SVG the page draws itself: drag to pan, wheel or buttons to zoom, click a node. */
export function TraceGraph({
  trace,
  direction,
  selected,
  onSelect,
}: {
  trace: Trace;
  direction: Direction;
  selected: string | null;
  onSelect: (node: TraceNode) => void;
}) {
  const { t } = useTranslation();
  const placed = useMemo(() => layout(trace, direction), [trace, direction]);
  const at = useMemo(() => new Map(placed.map((p) => [p.node.key, p])), [placed]);
  const uom = useMemo(() => new Map(trace.nodes.map((n) => [n.key, n.uom])), [trace]);
  const bounds = useMemo(() => {
    const xs = placed.flatMap((p) => [p.x - p.w / 2, p.x + p.w / 2]);
    const ys = placed.flatMap((p) => [p.y - p.h / 2, p.y + p.h / 2]);
    return { x0: Math.min(...xs) - 40, y0: Math.min(...ys) - 40, x1: Math.max(...xs) + 40, y1: Math.max(...ys) + 40 };
  }, [placed]);
  const [view, setView] = useState({ dx: 0, dy: 0, k: 1 });
  const drag = useRef<{ x: number; y: number; dx: number; dy: number } | null>(null);
  const height = Math.min(620, Math.max(320, bounds.y1 - bounds.y0));

  const zoom = (factor: number) => setView((v) => ({ ...v, k: Math.min(3, Math.max(0.2, v.k * factor)) }));
  const onWheel = (e: WheelEvent) => zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15);
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    if ((e.target as Element).closest("[data-node]")) return;
    drag.current = { x: e.clientX, y: e.clientY, dx: view.dx, dy: view.dy };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    setView((v) => ({ ...v, dx: d.dx + (e.clientX - d.x) / v.k, dy: d.dy + (e.clientY - d.y) / v.k }));
  };
  const onUp = () => {
    drag.current = null;
  };

  return (
    <Paper withBorder radius="md" pos="relative" style={{ overflow: "hidden" }}>
      <Group gap={6} pos="absolute" top={8} right={8} style={{ zIndex: 1 }}>
        <Tooltip label={t("trace.graph.zoomIn")}>
          <ActionIcon variant="default" size="lg" aria-label={t("trace.graph.zoomIn")} onClick={() => zoom(1.25)}>
            +
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t("trace.graph.zoomOut")}>
          <ActionIcon variant="default" size="lg" aria-label={t("trace.graph.zoomOut")} onClick={() => zoom(0.8)}>
            −
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t("trace.graph.fit")}>
          <ActionIcon variant="default" size="lg" aria-label={t("trace.graph.fit")} onClick={() => setView({ dx: 0, dy: 0, k: 1 })}>
            ⤢
          </ActionIcon>
        </Tooltip>
      </Group>
      <svg
        data-testid="trace-graph"
        role="img"
        aria-label={`${direction === "backward" ? "Backward" : "Forward"} trace of ${trace.root.slice(4)}`}
        width="100%"
        height={height}
        viewBox={`${bounds.x0} ${bounds.y0} ${bounds.x1 - bounds.x0} ${bounds.y1 - bounds.y0}`}
        preserveAspectRatio="xMidYMid meet"
        style={{ cursor: drag.current ? "grabbing" : "grab", touchAction: "none", background: "#f8f9fa" }}
        onWheel={onWheel}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerLeave={onUp}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#868e96" />
          </marker>
        </defs>
        <g transform={`scale(${view.k}) translate(${view.dx} ${view.dy})`}>
          {trace.edges.map((e) => {
            const a = at.get(e.src);
            const b = at.get(e.dst);
            if (!a || !b) return null;
            const x0 = a.x + a.w / 2;
            const x1 = b.x - b.w / 2;
            const mid = (x0 + x1) / 2;
            const path = `M${x0},${a.y} C${mid},${a.y} ${mid},${b.y} ${x1},${b.y}`;
            return (
              <g key={`${e.src}>${e.dst}>${e.kind}`} data-testid="trace-edge">
                <path d={path} fill="none" stroke="#adb5bd" strokeWidth={2} markerEnd="url(#arrow)" />
                {e.quantity && e.kind !== "part_of" ? (
                  <text x={mid} y={(a.y + b.y) / 2 - 6} textAnchor="middle" fontSize={12} fill="#212529" fontWeight={600}>
                    {formatQuantity(e.quantity, uom.get(e.src) ?? undefined)}
                  </text>
                ) : null}
              </g>
            );
          })}
          {placed.map((p) => {
            const [top, bottom] = label(p.node);
            const isRoot = p.node.key === trace.root;
            return (
              <g
                key={p.node.key}
                data-node={p.node.key}
                data-testid={`node-${p.node.code}`}
                role="button"
                tabIndex={0}
                aria-label={`${p.node.kind.replace("_", " ")} ${p.node.code}`}
                transform={`translate(${p.x - p.w / 2} ${p.y - p.h / 2})`}
                style={{ cursor: "pointer" }}
                onClick={() => onSelect(p.node)}
                onKeyDown={(e) => (e.key === "Enter" || e.key === " " ? onSelect(p.node) : undefined)}
              >
                <rect
                  width={p.w}
                  height={p.h}
                  rx={p.node.kind === "operation" ? 17 : 8}
                  fill={fill(p.node)}
                  stroke={selected === p.node.key ? "#fab005" : isRoot ? "#000" : "none"}
                  strokeWidth={selected === p.node.key || isRoot ? 4 : 0}
                />
                <text x={p.w / 2} y={p.h / 2 - (bottom ? 3 : -5)} textAnchor="middle" fill="#fff" fontSize={14} fontWeight={700}>
                  {top}
                </text>
                {bottom ? (
                  <text x={p.w / 2} y={p.h / 2 + 14} textAnchor="middle" fill="#f1f3f5" fontSize={11}>
                    {bottom}
                  </text>
                ) : null}
              </g>
            );
          })}
        </g>
      </svg>
      <Text size="xs" c="gray.7" px="sm" pb={4}>
        {t("trace.graph.legend")}
      </Text>
    </Paper>
  );
}
