import { Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useStartRecall, useTrace, type Direction, type Trace, type TraceNode } from "../api/traceability";
import { PERM } from "../auth/permissions";
import { useSession } from "../auth/useSession";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { ScanField } from "../components/ScanField";
import { formatDate, formatDateTime, formatQuantity, humanize } from "../lib/format";
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
  const isLot = node.kind === "lot" || node.kind === "serial";
  return (
    <Card withBorder padding="md" data-testid="node-details">
      <Group justify="space-between">
        <div>
          <Text size="xs" c="gray.7" fw={600} tt="uppercase">
            {humanize(node.kind)}
          </Text>
          <Title order={3} data-testid="node-details-code">
            {node.code}
          </Title>
        </div>
        {node.origin ? <Badge size="lg">{humanize(node.origin)}</Badge> : null}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} mt="sm" spacing="sm">
        <Field label="Item">{node.item}</Field>
        <Field label="Quantity">{node.quantity ? formatQuantity(node.quantity, node.uom) : null}</Field>
        {node.traced_quantity ? (
          <Field label="Went into the traced lot">{formatQuantity(node.traced_quantity, node.uom)}</Field>
        ) : null}
        <Field label="Work order">{node.work_order}</Field>
        {node.kind === "operation" ? (
          <>
            <Field label="Work center">{node.work_center}</Field>
            <Field label="Equipment">{node.equipment}</Field>
            <Field label="Operator">{node.operator}</Field>
            <Field label="Completed">{node.ended_at ? formatDateTime(node.ended_at) : null}</Field>
          </>
        ) : null}
        {isLot ? (
          <>
            <Field label="Location">{node.location}</Field>
            <Field label="Supplier">{node.supplier}</Field>
            <Field label="Supplier lot">{node.supplier_lot}</Field>
            <Field label="Expires">{node.expires_on ? formatDate(node.expires_on) : null}</Field>
          </>
        ) : null}
        {node.kind === "work_order" ? <Field label="Status">{node.status ? humanize(node.status) : null}</Field> : null}
        <Field label="When">{node.at ? formatDateTime(node.at) : null}</Field>
        <Field label="Levels away">{node.depth}</Field>
      </SimpleGrid>
      {isLot ? (
        <Group mt="md">
          <Button component={Link} to={tracePath(node.code, "backward")} variant={direction === "backward" ? "light" : "filled"}>
            Trace backward from {node.code}
          </Button>
          <Button component={Link} to={tracePath(node.code, "forward")} variant={direction === "forward" ? "light" : "filled"}>
            Trace forward from {node.code}
          </Button>
          <Button component={Link} to={`/material/lots/${encodeURIComponent(node.code)}`} variant="default">
            Open lot
          </Button>
        </Group>
      ) : null}
    </Card>
  );
}

function Summary({ trace, direction }: { trace: Trace; direction: Direction }) {
  const codes = direction === "backward" ? trace.supplier_lots : trace.finished;
  const lots = trace.nodes.filter((n) => n.kind === "lot" || n.kind === "serial").length - 1;
  return (
    <Group gap="sm" data-testid="trace-summary">
      <Text fw={600}>
        {direction === "backward"
          ? `${lots} lot${lots === 1 ? "" : "s"} went into it; supplier lots:`
          : `${lots} lot${lots === 1 ? "" : "s"} came of it; finished:`}
      </Text>
      {codes.length === 0 ? <Text c="gray.7">none</Text> : null}
      {codes.map((c) => (
        <Badge key={c} size="lg" variant="outline" data-testid="trace-end">
          {c}
        </Badge>
      ))}
    </Group>
  );
}

function TraceView({ code, direction }: { code: string; direction: Direction }) {
  const { can } = useSession();
  const navigate = useNavigate();
  const [depth, setDepth] = useState(10);
  const [selected, setSelected] = useState<TraceNode | null>(null);
  const [recalling, setRecalling] = useState(false);
  const trace = useTrace(code, direction, depth);
  const start = useStartRecall();
  useEffect(() => setSelected(null), [code, direction]);

  if (trace.isPending) return <Loading label={`Tracing ${code}…`} />;
  if (trace.isError) return <ProblemAlert error={trace.error} size="xl" onRetry={() => void trace.refetch()} />;
  const t = trace.data;
  const deepest = Math.max(0, ...t.nodes.map((n) => n.depth));
  return (
    <Stack>
      <Group justify="space-between">
        <Summary trace={t} direction={direction} />
        <Group>
          {deepest >= depth ? (
            <Button variant="default" onClick={() => setDepth((d) => Math.min(100, d + 10))}>
              Show more levels
            </Button>
          ) : null}
          {can(PERM.traceabilityRecall) ? (
            <Button color="red.9" size="md" onClick={() => setRecalling(true)}>
              Start recall of {code}
            </Button>
          ) : null}
        </Group>
      </Group>
      <TraceGraph trace={t} direction={direction} selected={selected?.key ?? null} onSelect={setSelected} />
      {selected ? <NodeDetails node={selected} direction={direction} /> : <Text c="gray.7">Click a node to see its details.</Text>}
      {direction === "backward" && t.nodes.some((n) => n.key === t.root && n.origin === "produced") ? (
        <AsBuiltSection code={code} />
      ) : null}
      {recalling ? (
        <ReasonDialog
          title={`Recall lot ${code}`}
          confirmLabel="Start recall"
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
  const { code } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const direction: Direction = params.get("direction") === "forward" ? "forward" : "backward";
  return (
    <Stack gap="lg" maw={1400}>
      <Title order={2}>Trace</Title>
      <Group align="flex-end" justify="space-between">
        <div style={{ flex: 1, maxWidth: 640 }}>
          <ScanField key={code ?? ""} label="Lot or serial" onScan={(scanned) => navigate(tracePath(scanned, direction))} />
        </div>
        {code ? (
          <SegmentedControl
            size="md"
            value={direction}
            onChange={(v) => navigate(tracePath(code, v as Direction))}
            data={[
              { value: "backward", label: "Backward: made from" },
              { value: "forward", label: "Forward: went into" },
            ]}
          />
        ) : null}
      </Group>
      {code ? (
        <TraceView code={code} direction={direction} />
      ) : (
        <Text c="gray.7">Scan a finished lot or serial to see what it was made from, or a supplier lot to see where it went.</Text>
      )}
    </Stack>
  );
}
