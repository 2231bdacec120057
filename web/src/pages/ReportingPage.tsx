import { Anchor, Breadcrumbs, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
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
import i18n, { codeLabel, LANGUAGES } from "../i18n";
import { formatDateTime } from "../lib/format";


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
  const { t } = useTranslation();
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
        <Line type="monotone" dataKey="OEE" name={t("reporting.oee.oee")} stroke="#1b1b1b" strokeWidth={3} isAnimationActive={false} />
        <Line type="monotone" dataKey="Availability" name={t("reporting.oee.availability")} stroke="#1864ab" isAnimationActive={false} />
        <Line type="monotone" dataKey="Performance" name={t("reporting.oee.performance")} stroke="#e67700" isAnimationActive={false} />
        <Line type="monotone" dataKey="Quality" name={t("reporting.oee.quality")} stroke="#2b8a3e" isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

function Waterfall({ losses }: { losses: Record<string, number> }) {
  const { t } = useTranslation();
  const data = waterfall(losses).map((d) => ({ ...d, name: t(`reporting.oee.loss.${d.key}`) }));
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} margin={{ left: 0, right: 16, top: 8, bottom: 40 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="name" interval={0} angle={-30} textAnchor="end" tick={{ fontSize: 11 }} />
        <YAxis unit=" min" />
        <Tooltip formatter={(v, name) => (name === "base" ? null : `${Number(v).toFixed(0)} min`)} />
        <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
        <Bar dataKey="value" name={t("reporting.oee.lossMinutes")} stackId="w" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.name} fill={d.kind === "total" ? "#1864ab" : "#c92a2a"} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

/** A scrap reason as recorded: one of the station's quick picks (in any language) shows in the user's. */
function scrapReason(text: string): string {
  for (const lng of LANGUAGES) {
    const picks = i18n.getResource(lng, "translation", "station.scrapReasons") as Record<string, string> | undefined;
    const key = Object.entries(picks ?? {}).find(([, label]) => label === text)?.[0];
    if (key) return i18n.t(`station.scrapReasons.${key}`);
  }
  return text;
}

function Pareto({
  title,
  rows,
  unit,
  testId,
  label = (key) => key,
}: {
  title: string;
  rows: ParetoRow[] | undefined;
  unit: string;
  testId: string;
  label?: (key: string) => string;
}) {
  const { t } = useTranslation();
  const data = rows?.slice(0, 10).map((r) => ({ ...r, key: label(r.key) }));
  return (
    <Card withBorder padding="md" radius="md" data-testid={testId}>
      <Title order={4}>{title}</Title>
      {rows && rows.length ? (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} layout="vertical" margin={{ left: 40, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" unit={unit} />
            <YAxis type="category" dataKey="key" width={140} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(0)}${unit}`} />
            <Bar dataKey="value" name={title} fill="#c92a2a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      ) : (
        <Text c="gray.7">{t("reporting.oee.nothing")}</Text>
      )}
      {rows?.slice(0, 5).map((r) => (
        <Text key={r.key} size="sm" data-testid={`${testId}-row`}>
          {label(r.key)}: {r.value.toFixed(0)}
          {unit} ({pct(r.share)})
        </Text>
      ))}
    </Card>
  );
}

export function ReportingPage() {
  const { t } = useTranslation();
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
  const tot = total.data?.items[0];
  const kids = (children.data?.items ?? []).filter((r) => r.group !== scope);
  const ranges = [
    { value: "24", label: t("reporting.oee.hours", { count: 24 }) },
    { value: "72", label: t("reporting.oee.days", { count: 3 }) },
    { value: "168", label: t("reporting.oee.days", { count: 7 }) },
  ];
  const set = (next: Record<string, string>) => setParams({ trail: trail.join(","), hours, grain, ...next });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={2}>{t("reporting.oee.title")}</Title>
          <Breadcrumbs data-testid="trail">
            <Anchor onClick={() => set({ trail: "" })}>{site ?? t("reporting.oee.plant")}</Anchor>
            {trail.map((code, i) => (
              <Anchor key={code} onClick={() => set({ trail: trail.slice(0, i + 1).join(",") })}>
                {code}
              </Anchor>
            ))}
          </Breadcrumbs>
        </Stack>
        <Group>
          <SegmentedControl size="md" data={ranges} value={hours} onChange={(v) => set({ hours: v })} />
          <Select
            size="md"
            w={140}
            label={t("reporting.oee.trendPer")}
            data={[
              { value: "shift", label: t("reporting.oee.shift") },
              { value: "day", label: t("reporting.oee.day") },
            ]}
            value={grain}
            onChange={(v) => set({ grain: v ?? "shift" })}
            allowDeselect={false}
          />
        </Group>
      </Group>
      {total.isError ? <ProblemAlert error={total.error} onRetry={() => void total.refetch()} /> : null}
      {total.isPending || sites.isPending ? <Loading /> : null}
      {tot ? (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Kpi label={t("reporting.oee.oee")} value={tot.oee} testId="kpi-oee" hint={t("reporting.oee.oeeHint")} />
          <Kpi
            label={t("reporting.oee.availability")}
            value={tot.availability}
            testId="kpi-availability"
            hint={t("reporting.oee.availabilityHint")}
          />
          <Kpi
            label={t("reporting.oee.performance")}
            value={tot.performance}
            testId="kpi-performance"
            hint={t("reporting.oee.performanceHint")}
          />
          <Kpi label={t("reporting.oee.quality")} value={tot.quality} testId="kpi-quality" hint={t("reporting.oee.qualityHint")} />
        </SimpleGrid>
      ) : null}
      {tot ? (
        <Text c="gray.8" data-testid="totals">
          {t("reporting.oee.totals", {
            good: tot.good.toFixed(0),
            scrap: tot.scrap.toFixed(0),
            busy: tot.planned_busy_min.toFixed(0),
            down: tot.down_min.toFixed(0),
            count: tot.failures,
            mtbf: tot.mtbf_min?.toFixed(0) ?? "—",
            mttr: tot.mttr_min?.toFixed(0) ?? "—",
          })}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {schedule.data ? (
          <>
            <Kpi
              label={t("reporting.oee.onTime")}
              value={schedule.data.total.on_time_completion}
              testId="kpi-on-time"
              hint={t("reporting.oee.onTimeHint", {
                onTime: schedule.data.total.orders_on_time,
                completed: schedule.data.total.orders_completed,
              })}
            />
            <Kpi
              label={t("reporting.oee.startAdherence")}
              value={schedule.data.total.start_adherence}
              testId="kpi-start-adherence"
              hint={t("reporting.oee.startAdherenceHint", {
                tolerance: schedule.data.tolerance_min,
                onTime: schedule.data.total.operations_on_time,
                scheduled: schedule.data.total.operations_scheduled,
              })}
            />
          </>
        ) : null}
        <LabourEfficiencyCard iv={iv} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder padding="md" radius="md">
          <Title order={4}>{grain === "day" ? t("reporting.oee.trendPerDay") : t("reporting.oee.trendPerShift")}</Title>
          <Trend rows={trend.data?.items ?? []} />
        </Card>
        <Card withBorder padding="md" radius="md">
          <Title order={4}>{t("reporting.oee.waterfall")}</Title>
          {tot ? <Waterfall losses={tot.losses} /> : null}
        </Card>
      </SimpleGrid>
      {kids.length ? (
        <Card withBorder padding="md" radius="md">
          <Title order={4}>{t("reporting.oee.drillDown")}</Title>
          <Table verticalSpacing="sm" fz="md" highlightOnHover data-testid="children">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("reporting.oee.where")}</Table.Th>
                <Table.Th>{t("reporting.oee.oee")}</Table.Th>
                <Table.Th>{t("reporting.oee.availability")}</Table.Th>
                <Table.Th>{t("reporting.oee.performance")}</Table.Th>
                <Table.Th>{t("reporting.oee.quality")}</Table.Th>
                <Table.Th>{t("reporting.oee.good")}</Table.Th>
                <Table.Th>{t("reporting.oee.downMin")}</Table.Th>
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
        <Pareto title={t("reporting.oee.scrapByReason")} rows={scrap.data?.items} unit="" testId="scrap-pareto" label={scrapReason} />
        <Pareto title={t("reporting.oee.downtimeByReason")} rows={downtime.data?.items} unit=" min" testId="downtime-pareto" />
        <Pareto title={t("reporting.oee.downtimeByMachine")} rows={byMachine.data?.items} unit=" min" testId="machine-pareto" />
      </SimpleGrid>
      {record.data ? (
        <Card withBorder padding="md" radius="md" data-testid="shift-record">
          <Title order={4}>{t("reporting.shiftRecord.title", { period: past?.period ?? "" })}</Title>
          <Text c="gray.8" data-testid="shift-record-summary">
            {t("reporting.shiftRecord.summary", {
              atEnd: pct(record.data.at_end?.oee),
              now: pct(record.data.now.oee),
              kept: record.data.snapshot_taken_at ? formatDateTime(record.data.snapshot_taken_at) : "—",
            })}
          </Text>
          {record.data.changes.length === 0 && record.data.changed.length === 0 ? (
            <Text data-testid="shift-record-unchanged">{t("reporting.shiftRecord.unchanged")}</Text>
          ) : (
            <Table verticalSpacing="xs" fz="md" data-testid="shift-record-changes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("reporting.shiftRecord.received")}</Table.Th>
                  <Table.Th>{t("reporting.shiftRecord.what")}</Table.Th>
                  <Table.Th>{t("reporting.shiftRecord.machine")}</Table.Th>
                  <Table.Th>{t("reporting.shiftRecord.about")}</Table.Th>
                  <Table.Th>{t("reporting.shiftRecord.detail")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {record.data.changed.map((c) => (
                  <Table.Tr key={c.figure} data-testid="shift-figure-changed">
                    <Table.Td>—</Table.Td>
                    <Table.Td fw={700}>{codeLabel("oeeFigure", c.figure)}</Table.Td>
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
                    <Table.Td fw={700}>{codeLabel("shiftChange", c.kind)}</Table.Td>
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
        <Title order={4}>{t("reporting.stops.title")}</Title>
        <Table verticalSpacing="xs" fz="md" data-testid="stops">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("reporting.stops.machine")}</Table.Th>
              <Table.Th>{t("reporting.stops.from")}</Table.Th>
              <Table.Th>{t("reporting.stops.to")}</Table.Th>
              <Table.Th>{t("reporting.stops.minutes")}</Table.Th>
              <Table.Th>{t("reporting.stops.reason")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(stops.data?.items ?? []).slice(0, 20).map((s) => (
              <Table.Tr key={s.downtime_id} data-testid="stop">
                <Table.Td fw={700}>{s.equipment_code}</Table.Td>
                <Table.Td>{formatDateTime(s.started_at)}</Table.Td>
                <Table.Td>{formatDateTime(s.ended_at)}</Table.Td>
                <Table.Td>{s.minutes.toFixed(0)}</Table.Td>
                <Table.Td>{s.reason_code ?? t("reporting.stops.unclassified")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
