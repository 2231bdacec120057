import { Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useStartRecall, useTrace, type Direction, type Trace, type TraceNode } from "../api/traceability";
import { PERM } from "../auth/permissions";
import { useSession } from "../auth/useSession";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { ScanField } from "../components/ScanField";
import { codeLabel } from "../i18n";
import { formatDate, formatDateTime, formatQuantity } from "../lib/format";
import { AsBuiltSection } from "./TraceabilityAsBuilt";
import { TraceGraph } from "./TraceabilityGraph";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="gray.7" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fw={600}>{children ?? "—"}</Text>
    </div>
  );
}

function tracePath(code: string, direction: Direction) {
  return `/traceability/${encodeURIComponent(code)}${direction === "forward" ? "?direction=forward" : ""}`;
}

function NodeDetails({ node, direction }: { node: TraceNode; direction: Direction }) {
  const { t } = useTranslation();
  const isLot = node.kind === "lot" || node.kind === "serial";
  return (
    <Card withBorder padding="md" data-testid="node-details">
      <Group justify="space-between">
        <div>
          <Text size="xs" c="gray.7" fw={600} tt="uppercase">
            {codeLabel("traceNodeKind", node.kind)}
          </Text>
          <Title order={3} data-testid="node-details-code">
            {node.code}
          </Title>
        </div>
        {node.origin ? <Badge size="lg">{codeLabel("lotOrigin", node.origin)}</Badge> : null}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} mt="sm" spacing="sm">
        <Field label={t("trace.node.item")}>{node.item}</Field>
        <Field label={t("trace.node.quantity")}>{node.quantity ? formatQuantity(node.quantity, node.uom) : null}</Field>
        {node.traced_quantity ? (
          <Field label={t("trace.node.tracedQuantity")}>{formatQuantity(node.traced_quantity, node.uom)}</Field>
        ) : null}
        <Field label={t("trace.node.workOrder")}>{node.work_order}</Field>
        {node.kind === "operation" ? (
          <>
            <Field label={t("trace.node.workCenter")}>{node.work_center}</Field>
            <Field label={t("trace.node.equipment")}>{node.equipment}</Field>
            <Field label={t("trace.node.operator")}>{node.operator}</Field>
            <Field label={t("trace.node.completed")}>{node.ended_at ? formatDateTime(node.ended_at) : null}</Field>
          </>
        ) : null}
        {isLot ? (
          <>
            <Field label={t("trace.node.location")}>{node.location}</Field>
            <Field label={t("trace.node.supplier")}>{node.supplier}</Field>
            <Field label={t("trace.node.supplierLot")}>{node.supplier_lot}</Field>
            <Field label={t("trace.node.expires")}>{node.expires_on ? formatDate(node.expires_on) : null}</Field>
          </>
        ) : null}
        {node.kind === "work_order" ? <Field label={t("trace.node.status")}>{node.status ? codeLabel("orderStatus", node.status) : null}</Field> : null}
        <Field label={t("trace.node.when")}>{node.at ? formatDateTime(node.at) : null}</Field>
        <Field label={t("trace.node.depth")}>{node.depth}</Field>
      </SimpleGrid>
      {isLot ? (
        <Group mt="md">
          <Button component={Link} to={tracePath(node.code, "backward")} variant={direction === "backward" ? "light" : "filled"}>
            {t("trace.node.traceBackward", { code: node.code })}
          </Button>
          <Button component={Link} to={tracePath(node.code, "forward")} variant={direction === "forward" ? "light" : "filled"}>
            {t("trace.node.traceForward", { code: node.code })}
          </Button>
          <Button component={Link} to={`/material/lots/${encodeURIComponent(node.code)}`} variant="default">
            {t("trace.node.openLot")}
          </Button>
        </Group>
      ) : null}
    </Card>
  );
}

function Summary({ trace, direction }: { trace: Trace; direction: Direction }) {
  const { t } = useTranslation();
  const codes = direction === "backward" ? trace.supplier_lots : trace.finished;
  const lots = trace.nodes.filter((n) => n.kind === "lot" || n.kind === "serial").length - 1;
  return (
    <Group gap="sm" data-testid="trace-summary">
      <Text fw={600}>
        {direction === "backward"
          ? t("trace.page.summaryBackward", { count: lots })
          : t("trace.page.summaryForward", { count: lots })}
      </Text>
      {codes.length === 0 ? <Text c="gray.7">{t("trace.page.none")}</Text> : null}
      {codes.map((c) => (
        <Badge key={c} size="lg" variant="outline" data-testid="trace-end">
          {c}
        </Badge>
      ))}
    </Group>
  );
}

function TraceView({ code, direction }: { code: string; direction: Direction }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [depth, setDepth] = useState(10);
  const [selected, setSelected] = useState<TraceNode | null>(null);
  const [recalling, setRecalling] = useState(false);
  const trace = useTrace(code, direction, depth);
  const start = useStartRecall();
  useEffect(() => setSelected(null), [code, direction]);

  if (trace.isPending) return <Loading label={t("trace.page.tracing", { code })} />;
  if (trace.isError) return <ProblemAlert error={trace.error} size="xl" onRetry={() => void trace.refetch()} />;
  const data = trace.data;
  const deepest = Math.max(0, ...data.nodes.map((n) => n.depth));
  return (
    <Stack>
      <Group justify="space-between">
        <Summary trace={data} direction={direction} />
        <Group>
          {deepest >= depth ? (
            <Button variant="default" onClick={() => setDepth((d) => Math.min(100, d + 10))}>
              {t("trace.page.moreLevels")}
            </Button>
          ) : null}
          {can(PERM.traceabilityRecall) ? (
            <Button color="red.9" size="md" onClick={() => setRecalling(true)}>
              {t("trace.page.startRecallOf", { code })}
            </Button>
          ) : null}
        </Group>
      </Group>
      <TraceGraph trace={data} direction={direction} selected={selected?.key ?? null} onSelect={setSelected} />
      {selected ? <NodeDetails node={selected} direction={direction} /> : <Text c="gray.7">{t("trace.page.clickNode")}</Text>}
      {direction === "backward" && data.nodes.some((n) => n.key === data.root && n.origin === "produced") ? (
        <AsBuiltSection code={code} />
      ) : null}
      {recalling ? (
        <ReasonDialog
          title={t("trace.page.recallTitle", { code })}
          confirmLabel={t("trace.page.startRecall")}
          color="red.9"
          onConfirm={async (reason) => {
            const recall = await start.mutateAsync({ lot: code, reason });
            navigate(`/traceability/recalls/${recall.id}`);
          }}
          onClose={() => setRecalling(false)}
        />
      ) : null}
    </Stack>
  );
}

export function TraceabilityPage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const direction: Direction = params.get("direction") === "forward" ? "forward" : "backward";
  return (
    <Stack gap="lg" maw={1400}>
      <Title order={2}>{t("trace.page.title")}</Title>
      <Group align="flex-end" justify="space-between">
        <div style={{ flex: 1, maxWidth: 640 }}>
          <ScanField key={code ?? ""} label={t("trace.page.scan")} onScan={(scanned) => navigate(tracePath(scanned, direction))} />
        </div>
        {code ? (
          <SegmentedControl
            size="md"
            value={direction}
            onChange={(v) => navigate(tracePath(code, v as Direction))}
            data={[
              { value: "backward", label: t("trace.page.backward") },
              { value: "forward", label: t("trace.page.forward") },
            ]}
          />
        ) : null}
      </Group>
      {code ? (
        <TraceView code={code} direction={direction} />
      ) : (
        <Text c="gray.7">{t("trace.page.intro")}</Text>
      )}
    </Stack>
  );
}
