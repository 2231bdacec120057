import { Badge, Card, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useChart, type Chart } from "../api/quality";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import i18n, { codeLabel } from "../i18n";

const W = 900;
const H = 320;
const PAD = 40;
// the chart's colours and the control limits' dash; the capability indices shown under it
const LIMIT = { color: "#c92a2a", dash: "6 4" };
const CENTRE = { color: "#1c7ed6", dash: "" };
const INDICES = ["cp", "cpk", "pp", "ppk"] as const;

/** Points, centre line, control limits and the 1- and 2-sigma zones; violating points in red. */
function ControlChart({ chart }: { chart: Chart }) {
  const { t } = useTranslation();
  const pts = chart.points;
  const lim = chart.limits;
  const values = pts.map((p) => p.value).concat(lim ? [lim.ucl, lim.lcl] : []);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const y = (v: number) => PAD + (H - 2 * PAD) * (1 - (v - (lo - span * 0.05)) / (span * 1.1));
  const x = (i: number) => PAD + ((W - 2 * PAD) * i) / Math.max(1, pts.length - 1);
  const sigma = lim ? (lim.ucl - lim.center) / 3 : 0;
  const line = (v: number, color: string, dash: string, label: string) => (
    <g key={label}>
      <line x1={PAD} x2={W - PAD} y1={y(v)} y2={y(v)} stroke={color} strokeDasharray={dash} />
      <text x={W - PAD + 4} y={y(v) + 4} fontSize={11} fill={color}>
        {label}
      </text>
    </g>
  );
  return (
    <svg viewBox={`0 0 ${W + 60} ${H}`} width="100%" role="img" aria-label={t("quality.spc.chartLabel", { name: chart.characteristic.name })} data-testid="spc-chart">
      {lim ? (
        <>
          <rect x={PAD} width={W - 2 * PAD} y={y(lim.center + 2 * sigma)} height={y(lim.center - 2 * sigma) - y(lim.center + 2 * sigma)} fill="#fff3bf" opacity={0.5} />
          <rect x={PAD} width={W - 2 * PAD} y={y(lim.center + sigma)} height={y(lim.center - sigma) - y(lim.center + sigma)} fill="#d3f9d8" opacity={0.6} />
          {line(lim.ucl, LIMIT.color, LIMIT.dash, t("quality.spc.ucl"))}
          {line(lim.center, CENTRE.color, CENTRE.dash, t("quality.spc.cl"))}
          {line(lim.lcl, LIMIT.color, LIMIT.dash, t("quality.spc.lcl"))}
        </>
      ) : null}
      <polyline fill="none" stroke="#495057" points={pts.map((p, i) => `${x(i)},${y(p.value)}`).join(" ")} />
      {pts.map((p, i) => (
        <circle
          key={p.result_id}
          cx={x(i)}
          cy={y(p.value)}
          r={p.violations.length ? 7 : 4}
          fill={p.violations.length ? "#c92a2a" : "#495057"}
          data-testid={p.violations.length ? "violation-point" : undefined}
        >
          <title>
            {p.task}: {p.value}
            {p.violations.map((v) => ` — ${t("quality.spc.ruleShort", { rule: String(v.rule), description: ruleText(String(v.rule), String(v.description)) })}`).join("")}
          </title>
        </circle>
      ))}
    </svg>
  );
}

/** A run rule's text in the UI's language (the catalogue's), else the server's English description. */
export function ruleText(rule: string, description: string): string {
  return i18n.exists(`codes.spcRule.${rule}`) ? i18n.t(`codes.spcRule.${rule}`) : description;
}

function fmt(v: number | null | undefined, digits = 2): string {
  return v == null ? "—" : v.toFixed(digits);
}

export function QualitySpcPage() {
  const { t } = useTranslation();
  const { plan, characteristic } = useParams();
  const chart = useChart(plan, characteristic);
  if (chart.isPending) return <Loading label={t("quality.spc.loading")} />;
  if (chart.isError) return <ProblemAlert error={chart.error} onRetry={() => void chart.refetch()} />;
  const c = chart.data;
  const violations = c.points.filter((p) => p.violations.length);
  return (
    <Stack gap="lg">
      <Title order={1}>
        {t("quality.spc.title", { name: c.characteristic.name, plan: c.plan, code: c.characteristic.code })}
      </Title>
      <Card withBorder>
        <ControlChart chart={c} />
      </Card>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {INDICES.map((k) => (
          <Card key={k} withBorder data-testid={`capability-${k}`}>
            <Text c="dimmed" tt="uppercase" fw={700}>
              {k}
            </Text>
            <Text fz={32} fw={800}>
              {fmt(c.capability?.[k])}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <Card withBorder data-testid="spc-limits">
        <Text>
          {t("quality.spc.limits", {
            chart: codeLabel("spcChart", c.chart),
            center: fmt(c.limits?.center, 4),
            ucl: fmt(c.limits?.ucl, 4),
            lcl: fmt(c.limits?.lcl, 4),
            lsl: c.characteristic.lsl ?? "−∞",
            usl: c.characteristic.usl ?? "+∞",
            unit: c.characteristic.unit ?? "",
          })}
        </Text>
      </Card>
      <Card withBorder data-testid="spc-violations">
        <Title order={3}>
          {t("quality.spc.violations")} <Badge color={violations.length ? "red.9" : "green.9"}>{violations.length}</Badge>
        </Title>
        {violations.map((p) => (
          <Text key={p.result_id}>
            {p.task}: {p.value} — {p.violations.map((v) => t("quality.spc.rule", { rule: String(v.rule), description: ruleText(String(v.rule), String(v.description)) })).join(", ")}
          </Text>
        ))}
      </Card>
    </Stack>
  );
}
