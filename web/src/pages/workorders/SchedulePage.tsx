import { Alert, Anchor, Badge, Button, Card, Group, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useRecompute, useSchedule, type Schedule } from "../../api/workOrders";
import { hasAll, PERM } from "../../auth/permissions";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { codeLabel } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { dayTicks, ganttRows, xOf, type Mode, type Row } from "./gantt";

const LABEL_W = 220;
const WIDTH = 1100;
const LANE_H = 22;
const HOUR = 3_600_000;

function Gantt({ rows, from, to }: { rows: Row[]; from: number; to: number }) {
  const { t: tr } = useTranslation();
  const span = WIDTH - LABEL_W;
  const x = (t: number) => LABEL_W + xOf(t, from, to) * span;
  const heights = rows.map((r) => r.lanes * LANE_H + 8);
  const tops = heights.map((_, i) => 24 + heights.slice(0, i).reduce((a, b) => a + b, 0));
  const height = 24 + heights.reduce((a, b) => a + b, 0);
  const ticks = dayTicks(from, to);
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-label={tr("schedule.ganttLabel")}
      data-testid="gantt"
      style={{ fontFamily: "inherit", fontSize: 11 }}
    >
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={16} y2={height} stroke="#adb5bd" strokeDasharray="2 3" />
          <text x={x(t) + 3} y={12} fill="#495057">
            {new Date(t).toLocaleDateString(undefined, { weekday: "short", day: "2-digit", month: "short" })}
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const top = tops[i] ?? 0;
        const h = heights[i] ?? LANE_H;
        return (
          <g key={r.id} data-testid={`gantt-row-${r.id}`} data-available={r.available}>
            <rect x={0} y={top} width={WIDTH} height={h} fill={i % 2 ? "#f8f9fa" : "#ffffff"} />
            {!r.available ? <rect x={LABEL_W} y={top} width={span} height={h} fill="url(#unavailable)" /> : null}
            {r.windows
              .filter(([a, b]) => b > from && a < to)
              .map(([a, b]) => (
                <rect key={a} x={x(a)} y={top} width={Math.max(1, x(b) - x(a))} height={h} fill="#d3f9d8" opacity={0.7}>
                  <title>
                    {tr("schedule.shift", { from: new Date(a).toLocaleString(), to: new Date(b).toLocaleString() })}
                  </title>
                </rect>
              ))}
            <text x={6} y={top + 15} fontWeight={700} fill={r.available ? "#212529" : "#c92a2a"}>
              {r.label}
              {!r.available && r.state ? ` · ${codeLabel("equipmentState", r.state)}` : ""}
            </text>
            {r.bars
              .filter((b) => b.end > from && b.start < to)
              .map((b) => {
                const bx = x(b.start);
                const w = Math.max(2, x(b.end) - bx);
                return (
                  <g key={`${b.order}/${b.key}`} data-testid={`bar-${b.order}-${b.key}`} data-late={b.late}>
                    <rect
                      x={bx}
                      y={top + 4 + b.lane * LANE_H}
                      width={w}
                      height={LANE_H - 4}
                      rx={3}
                      fill={b.late ? "#c92a2a" : b.status === "in_progress" ? "#2b8a3e" : "#1c7ed6"}
                      stroke={b.late ? "#5c0000" : "none"}
                    >
                      <title>
                        {`${b.order} / ${b.key} ${b.name} (${b.product})${b.equipment ? ` ${tr("schedule.on", { equipment: b.equipment })}` : ""}\n${new Date(b.start).toLocaleString()} – ${new Date(b.end).toLocaleString()}${b.late ? `\n${tr("schedule.lateCaps")}` : ""}`}
                      </title>
                    </rect>
                    {w > 44 ? (
                      <text x={bx + 3} y={top + 17 + b.lane * LANE_H} fill="#fff" pointerEvents="none">
                        {b.order}/{b.key}
                      </text>
                    ) : null}
                  </g>
                );
              })}
          </g>
        );
      })}
      <defs>
        <pattern id="unavailable" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="4" height="8" fill="#ffc9c9" />
        </pattern>
      </defs>
    </svg>
  );
}

function Status({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const at = formatDateTime(schedule.computed_at, { seconds: true });
  return (
    <Group gap="md" data-testid="schedule-status">
      <Text>
        {schedule.computed_by ? t("schedule.computedBy", { at, by: schedule.computed_by }) : t("schedule.computed", { at })}
        {" · "}
        {t("schedule.computations", { count: schedule.recomputations })}
      </Text>
      {schedule.stale ? (
        <Badge color="orange.9" data-testid="schedule-stale">
          {t("schedule.stale", { since: formatDateTime(schedule.stale_since, { seconds: true }) })}
        </Badge>
      ) : (
        <Badge color="green.9" data-testid="schedule-fresh">
          {t("schedule.fresh")}
        </Badge>
      )}
    </Group>
  );
}

/** The finite-capacity schedule as a Gantt per work center or per machine; late orders in red. */
export function SchedulePage() {
  const schedule = useSchedule();
  const recompute = useRecompute();
  const { perms } = useSession();
  const [params, setParams] = useSearchParams();
  const mode: Mode = params.get("by") === "work_center" ? "work_center" : "machine";
  const [days, setDays] = useState("7");
  const { t } = useTranslation();
  const rows = useMemo(() => (schedule.data ? ganttRows(schedule.data, mode) : []), [schedule.data, mode]);
  if (schedule.isPending) return <Loading />;
  if (schedule.error) return <ProblemAlert error={schedule.error} onRetry={() => void schedule.refetch()} />;
  const s = schedule.data;
  const origin = s.origin ? Date.parse(s.origin) : Date.now();
  const from = Math.floor(origin / HOUR) * HOUR;
  const to = from + Number(days) * 24 * HOUR;
  const late = s.orders.filter((o) => o.late);
  const unplaced = s.orders.filter((o) => o.operations.some((op) => !op.planned_start));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("schedule.title")}</Title>
        {hasAll(perms, [PERM.workorderDispatch]) ? (
          <Button onClick={() => recompute.mutate()} loading={recompute.isPending} data-testid="recompute">
            {t("schedule.recompute")}
          </Button>
        ) : null}
      </Group>
      <Status schedule={s} />
      {recompute.error ? <ProblemAlert error={recompute.error} /> : null}
      {s.last_error ? (
        <Alert color="orange.9" variant="filled" title={t("schedule.replanFailed")}>
          {s.last_error}
        </Alert>
      ) : null}
      <Group>
        <SegmentedControl
          value={mode}
          onChange={(v) => setParams(v === "work_center" ? { by: v } : {})}
          data={[
            { value: "machine", label: t("schedule.perMachine") },
            { value: "work_center", label: t("schedule.perWorkCenter") },
          ]}
          data-testid="gantt-mode"
        />
        <SegmentedControl
          value={days}
          onChange={setDays}
          data={[
            { value: "2", label: t("schedule.twoDays") },
            { value: "7", label: t("schedule.week") },
            { value: "28", label: t("schedule.fourWeeks") },
          ]}
        />
        <Text size="sm" c="dimmed">
          {t("schedule.legend")}
        </Text>
      </Group>
      <Card withBorder padding="xs">
        {rows.length ? <Gantt rows={rows} from={from} to={to} /> : <Text c="dimmed">{t("schedule.nothing")}</Text>}
      </Card>
      <Card withBorder padding={0}>
        <Title order={3} p="md" pb={0}>
          {t("schedule.lateOrders")} <Badge color={late.length ? "red.9" : "green.9"}>{late.length}</Badge>
        </Title>
        <Table data-testid="late-orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("schedule.order")}</Table.Th>
              <Table.Th>{t("workorders.list.col.product")}</Table.Th>
              <Table.Th>{t("workorders.list.col.due")}</Table.Th>
              <Table.Th>{t("workorders.list.col.planned_end")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {late.map((o) => (
              <Table.Tr key={o.work_order}>
                <Table.Td>
                  <Anchor component={Link} to={`/workorders/${encodeURIComponent(o.work_order)}`}>
                    {o.work_order}
                  </Anchor>
                </Table.Td>
                <Table.Td>{o.product}</Table.Td>
                <Table.Td>{formatDateTime(o.due)}</Table.Td>
                <Table.Td>{o.planned_end ? formatDateTime(o.planned_end) : t("schedule.cantPlace")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {unplaced.length ? (
          <Text p="md" size="sm">
            {t("schedule.notPlaced", { orders: unplaced.map((o) => o.work_order).join(", ") })}
          </Text>
        ) : null}
      </Card>
    </Stack>
  );
}
