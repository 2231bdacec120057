import { Anchor, Breadcrumbs, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import {
  lastHours,
  pct,
  useDowntimePareto,
  useOee,
  useSchedule,
  useScrapPareto,
  useShiftRecord,
  useStops,
  waterfall,
  type OeeRow,
  type ParetoRow,
} from "../api/reporting";
import { useEquipment } from "../api/resource";
import { Loading } from "../components/Loading";
import { LabourEfficiencyCard } from "../components/reporting/LabourEfficiencyCard";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDateTime } from "../lib/format";

const RANGES = [
  { value: "24", label: "24 h" },
  { value: "72", label: "3 days" },
  { value: "168", label: "7 days" },
];

function Kpi({ label, value, testId, hint }: { label: string; value: number | null | undefined; testId: string; hint: string }) {
  return (
    <Card padding="md" radius="md" withBorder>
      <Text size="sm" fw={700} c="gray.7" tt="uppercase">
        {label}
      </Text>
      <Text fz={40} fw={900} lh={1.1} data-testid={testId}>
        {pct(value)}
      </Text>
      <Text size="xs" c="gray.7">
        {hint}
      </Text>
    </Card>
  );
}

function Trend({ rows }: { rows: OeeRow[] }) {
  const data = rows.map((r) => ({
    period: r.period,
    OEE: r.oee,
    Availability: r.availability,
    Performance: r.performance,
    Quality: r.quality,
  }));
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={data} margin={{ left: 0, right: 16, top: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="period" tick={{ fontSize: 11 }} />
        <YAxis domain={[0, 100]} unit=" %" />
        <Tooltip formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)} %` : "—")} />
        <Legend />
        <Line type="monotone" dataKey="OEE" stroke="#1b1b1b" strokeWidth={3} isAnimationActive={false} />
        <Line type="monotone" dataKey="Availability" stroke="#1864ab" isAnimationActive={false} />
        <Line type="monotone" dataKey="Performance" stroke="#e67700" isAnimationActive={false} />
        <Line type="monotone" dataKey="Quality" stroke="#2b8a3e" isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

function Waterfall({ losses }: { losses: Record<string, number> }) {
  const data = waterfall(losses);
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} margin={{ left: 0, right: 16, top: 8, bottom: 40 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="name" interval={0} angle={-30} textAnchor="end" tick={{ fontSize: 11 }} />
        <YAxis unit=" min" />
        <Tooltip formatter={(v, name) => (name === "base" ? null : `${Number(v).toFixed(0)} min`)} />
        <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
        <Bar dataKey="value" stackId="w" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.name} fill={d.kind === "total" ? "#1864ab" : "#c92a2a"} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

function Pareto({ title, rows, unit, testId }: { title: string; rows: ParetoRow[] | undefined; unit: string; testId: string }) {
  return (
    <Card withBorder padding="md" radius="md" data-testid={testId}>
      <Title order={4}>{title}</Title>
      {rows && rows.length ? (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={rows.slice(0, 10)} layout="vertical" margin={{ left: 40, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" unit={unit} />
            <YAxis type="category" dataKey="key" width={140} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(0)}${unit}`} />
            <Bar dataKey="value" fill="#c92a2a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      ) : (
        <Text c="gray.7">Nothing in this period.</Text>
      )}
      {rows?.slice(0, 5).map((r) => (
        <Text key={r.key} size="sm" data-testid={`${testId}-row`}>
          {r.key}: {r.value.toFixed(0)}
          {unit} ({pct(r.share)})
        </Text>
      ))}
    </Card>
  );
}

export function ReportingPage() {
  const [params, setParams] = useSearchParams();
  const sites = useEquipment("site");
  const trail = (params.get("trail") ?? "").split(",").filter(Boolean);
  const hours = params.get("hours") ?? "72";
  const grain = (params.get("grain") ?? "shift") as "shift" | "day";
  const site = sites.data?.items[0]?.code ?? null;
  const scope: string | null = trail.length ? (trail[trail.length - 1] ?? null) : site;
  const iv = useMemo(() => lastHours(Number(hours)), [hours]);
  const total = useOee(scope, iv, "total", "scope");
  const trend = useOee(scope, iv, grain, "scope");
  const children = useOee(scope, iv, "total", "children");
  const scrap = useScrapPareto(scope, iv);
  const downtime = useDowntimePareto(scope, iv, "reason");
  const byMachine = useDowntimePareto(scope, iv, "equipment");
  const stops = useStops(scope, iv);
  const schedule = useSchedule(iv);
  // the latest shift of the trend that is over: its record, kept at its end, and what changed since
  const shifts = grain === "shift" ? (trend.data?.items ?? []) : [];
  const past = [...shifts].reverse().find((r) => new Date(r.end).getTime() <= Date.now()) ?? null;
  const shiftIv = useMemo(() => (past ? { start: past.start, end: past.end } : null), [past?.start, past?.end]);
  const record = useShiftRecord(scope, shiftIv);
  const t = total.data?.items[0];
  const kids = (children.data?.items ?? []).filter((r) => r.group !== scope);
  const set = (next: Record<string, string>) => setParams({ trail: trail.join(","), hours, grain, ...next });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={2}>OEE dashboard</Title>
          <Breadcrumbs data-testid="trail">
            <Anchor onClick={() => set({ trail: "" })}>{site ?? "Plant"}</Anchor>
            {trail.map((code, i) => (
              <Anchor key={code} onClick={() => set({ trail: trail.slice(0, i + 1).join(",") })}>
                {code}
              </Anchor>
            ))}
          </Breadcrumbs>
        </Stack>
        <Group>
          <SegmentedControl size="md" data={RANGES} value={hours} onChange={(v) => set({ hours: v })} />
          <Select
            size="md"
            w={140}
            label="Trend per"
            data={[
              { value: "shift", label: "Shift" },
              { value: "day", label: "Day" },
            ]}
            value={grain}
            onChange={(v) => set({ grain: v ?? "shift" })}
            allowDeselect={false}
          />
        </Group>
      </Group>
      {total.isError ? <ProblemAlert error={total.error} onRetry={() => void total.refetch()} /> : null}
      {total.isPending || sites.isPending ? <Loading /> : null}
      {t ? (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Kpi label="OEE" value={t.oee} testId="kpi-oee" hint="availability × performance × quality" />
          <Kpi label="Availability" value={t.availability} testId="kpi-availability" hint="APT / PBT" />
          <Kpi label="Performance" value={t.performance} testId="kpi-performance" hint="ideal cycle time × produced / APT" />
          <Kpi label="Quality" value={t.quality} testId="kpi-quality" hint="good / produced" />
        </SimpleGrid>
      ) : null}
      {t ? (
        <Text c="gray.8" data-testid="totals">
          Good {t.good.toFixed(0)} · scrap {t.scrap.toFixed(0)} · planned busy {t.planned_busy_min.toFixed(0)} min · down{" "}
          {t.down_min.toFixed(0)} min · {t.failures} failures · MTBF {t.mtbf_min?.toFixed(0) ?? "—"} min · MTTR{" "}
          {t.mttr_min?.toFixed(0) ?? "—"} min
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {schedule.data ? (
          <>
            <Kpi
              label="On-time completion"
              value={schedule.data.total.on_time_completion}
              testId="kpi-on-time"
              hint={`orders completed by their due date / orders completed (${schedule.data.total.orders_on_time} of ${schedule.data.total.orders_completed})`}
            />
            <Kpi
              label="Start adherence"
              value={schedule.data.total.start_adherence}
              testId="kpi-start-adherence"
              hint={`operations started within ±${schedule.data.tolerance_min} min of plan / scheduled (${schedule.data.total.operations_on_time} of ${schedule.data.total.operations_scheduled})`}
            />
          </>
        ) : null}
        <LabourEfficiencyCard iv={iv} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder padding="md" radius="md">
          <Title order={4}>Trend per {grain}</Title>
          <Trend rows={trend.data?.items ?? []} />
        </Card>
        <Card withBorder padding="md" radius="md">
          <Title order={4}>Loss waterfall (minutes)</Title>
          {t ? <Waterfall losses={t.losses} /> : null}
        </Card>
      </SimpleGrid>
      {kids.length ? (
        <Card withBorder padding="md" radius="md">
          <Title order={4}>Drill down</Title>
          <Table verticalSpacing="sm" fz="md" highlightOnHover data-testid="children">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Where</Table.Th>
                <Table.Th>OEE</Table.Th>
                <Table.Th>Availability</Table.Th>
                <Table.Th>Performance</Table.Th>
                <Table.Th>Quality</Table.Th>
                <Table.Th>Good</Table.Th>
                <Table.Th>Down (min)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {kids.map((r) => (
                <Table.Tr
                  key={r.group}
                  style={{ cursor: "pointer" }}
                  onClick={() => set({ trail: [...trail, r.group].join(",") })}
                  data-testid={`child-${r.group}`}
                >
                  <Table.Td fw={700}>
                    <Anchor>{r.group}</Anchor>
                  </Table.Td>
                  <Table.Td>{pct(r.oee)}</Table.Td>
                  <Table.Td>{pct(r.availability)}</Table.Td>
                  <Table.Td>{pct(r.performance)}</Table.Td>
                  <Table.Td>{pct(r.quality)}</Table.Td>
                  <Table.Td>{r.good.toFixed(0)}</Table.Td>
                  <Table.Td>{r.down_min.toFixed(0)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ) : null}
      <SimpleGrid cols={{ base: 1, lg: 3 }}>
        <Pareto title="Scrap by reason" rows={scrap.data?.items} unit="" testId="scrap-pareto" />
        <Pareto title="Downtime by reason" rows={downtime.data?.items} unit=" min" testId="downtime-pareto" />
        <Pareto title="Downtime by machine" rows={byMachine.data?.items} unit=" min" testId="machine-pareto" />
      </SimpleGrid>
      {record.data ? (
        <Card withBorder padding="md" radius="md" data-testid="shift-record">
          <Title order={4}>
            Shift {past?.period}: changed since shift end
          </Title>
          <Text c="gray.8" data-testid="shift-record-summary">
            OEE at shift end {pct(record.data.at_end?.oee)} · now {pct(record.data.now.oee)} · figures kept{" "}
            {record.data.snapshot_taken_at ? formatDateTime(record.data.snapshot_taken_at) : "—"}
          </Text>
          {record.data.changes.length === 0 && record.data.changed.length === 0 ? (
            <Text data-testid="shift-record-unchanged">No late or corrected data since the shift ended.</Text>
          ) : (
            <Table verticalSpacing="xs" fz="md" data-testid="shift-record-changes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Machine</Table.Th>
                  <Table.Th>About</Table.Th>
                  <Table.Th>Detail</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {record.data.changed.map((c) => (
                  <Table.Tr key={c.figure} data-testid="shift-figure-changed">
                    <Table.Td>—</Table.Td>
                    <Table.Td fw={700}>{c.figure}</Table.Td>
                    <Table.Td />
                    <Table.Td />
                    <Table.Td>
                      {c.at_end ?? "—"} → {c.now ?? "—"}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {record.data.changes.slice(0, 50).map((c, i) => (
                  <Table.Tr key={`${c.received_at}-${i}`} data-testid="shift-change">
                    <Table.Td>{formatDateTime(c.received_at)}</Table.Td>
                    <Table.Td fw={700}>{c.kind.replace("_", " ")}</Table.Td>
                    <Table.Td>{c.equipment_code ?? ""}</Table.Td>
                    <Table.Td>{c.at ? formatDateTime(c.at) : ""}</Table.Td>
                    <Table.Td>{c.detail}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      ) : null}
      <Card withBorder padding="md" radius="md">
        <Title order={4}>Stops</Title>
        <Table verticalSpacing="xs" fz="md" data-testid="stops">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Machine</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Minutes</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(stops.data?.items ?? []).slice(0, 20).map((s) => (
              <Table.Tr key={s.downtime_id} data-testid="stop">
                <Table.Td fw={700}>{s.equipment_code}</Table.Td>
                <Table.Td>{formatDateTime(s.started_at)}</Table.Td>
                <Table.Td>{formatDateTime(s.ended_at)}</Table.Td>
                <Table.Td>{s.minutes.toFixed(0)}</Table.Td>
                <Table.Td>{s.reason_code ?? "Unclassified"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
