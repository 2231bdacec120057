import { Anchor, Badge, Button, Card, Code, Group, Menu, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  useAsBuilt,
  useOrderHistory,
  useWorkOrder,
  type Operation,
  type WorkOrder,
} from "../../api/workOrders";
import { hasAll, PERM } from "../../auth/permissions";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatQuantity, humanize } from "../../lib/format";
import {
  canCancelOrder,
  canCloseOrder,
  canHoldOrder,
  canRelease,
  canResumeOrder,
  OP_STATUS_COLOR,
  ORDER_STATUS_COLOR,
} from "../../lib/orders";
import {
  CancelDialog,
  CloseDialog,
  CompleteShortDialog,
  FloorDialog,
  HoldDialog,
  ReleaseDialog,
  ResumeDialog,
  type FloorKind,
} from "./dialogs";
import { OrderForm } from "./OrderForm";
import { floorActions, isLastOpen, labourByOperator } from "./orderRules";

type Dialog =
  | { kind: "edit" | "release" | "hold" | "resume" | "cancel" | "close" }
  | { kind: "short"; op: Operation }
  | { kind: "floor"; op: Operation; change: FloorKind };

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={600} component="div">
        {children}
      </Text>
    </Stack>
  );
}

function Header({ order }: { order: WorkOrder }) {
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Field label="Product">{order.product}</Field>
        <Field label="Quantity">{formatQuantity(order.quantity, order.uom)}</Field>
        <Field label="Good / scrap / loss">
          {formatQuantity(order.good)} / {formatQuantity(order.scrap)} / {formatQuantity(order.process_loss)}
        </Field>
        <Field label="Priority">{order.priority}</Field>
        <Field label="Due">{formatDateTime(order.due)}</Field>
        <Field label="Planned">
          {formatDateTime(order.planned_start)} → {formatDateTime(order.planned_end)}{" "}
          {order.late ? <Badge color="red.9">Late</Badge> : null}
        </Field>
        <Field label="ERP reference">{order.erp_ref ?? "—"}</Field>
        <Field label="Routing version">{order.routing_version ?? "latest at release"}</Field>
        <Field label="Created">
          {formatDateTime(order.created_at)} by {order.created_by}
        </Field>
        <Field label="Released">{formatDateTime(order.released_at)}</Field>
        <Field label="Completed">{formatDateTime(order.completed_at)}</Field>
        <Field label="Closed">{formatDateTime(order.closed_at)}</Field>
      </SimpleGrid>
      {order.hold_reason ? (
        <Text c="red.9" fw={700} mt="sm">
          On hold: {order.hold_reason}
        </Text>
      ) : null}
      {order.quality_hold ? (
        <Text c="red.9" fw={700} mt="sm">
          Quality hold: {order.quality_hold}
        </Text>
      ) : null}
    </Card>
  );
}

function Operations({
  order,
  supervise,
  completeShort,
  open,
}: {
  order: WorkOrder;
  supervise: boolean;
  completeShort: boolean;
  open: (d: Dialog) => void;
}) {
  return (
    <Card withBorder padding={0}>
      <Title order={3} p="md" pb={0}>
        Operations
      </Title>
      <Table striped data-testid="operations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Op</Table.Th>
            <Table.Th>Name / work center</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Qty · good · scrap · rework</Table.Th>
            <Table.Th>Planned</Table.Th>
            <Table.Th>Ran</Table.Th>
            <Table.Th>Labour</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {order.operations.map((op) => {
            const actions = supervise ? floorActions(order, op) : [];
            const short = completeShort && isLastOpen(order, op);
            return (
              <Table.Tr key={op.key} data-testid={`op-${op.key}`}>
                <Table.Td fw={700}>
                  {op.key}
                  {op.origin !== "planned" ? (
                    <Badge ml={4} size="xs" color="grape.9">
                      {op.origin}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {op.name}
                  <Text size="sm" c="dimmed">
                    {op.work_center}
                    {op.equipment ? ` · ${op.equipment}` : ""}
                  </Text>
                  {op.reason ? <Text size="sm">Why: {op.reason}</Text> : null}
                </Table.Td>
                <Table.Td style={{ minWidth: 130 }}>
                  <Badge color={OP_STATUS_COLOR[op.status] ?? "gray.7"} data-testid="op-status">
                    {humanize(op.status)}
                  </Badge>
                  {op.pause_reason ? <Text size="sm">Paused: {op.pause_reason}</Text> : null}
                </Table.Td>
                <Table.Td>
                  {formatQuantity(op.quantity)} · {formatQuantity(op.good)} · {formatQuantity(op.scrap)} ·{" "}
                  {formatQuantity(op.rework)}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(op.planned_start)}</Text>
                  <Text size="sm">{formatDateTime(op.planned_end)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(op.started_at)}</Text>
                  <Text size="sm">{formatDateTime(op.completed_at)}</Text>
                  {Number(op.paused_minutes) > 0 ? <Text size="sm">paused {formatQuantity(op.paused_minutes)} min</Text> : null}
                </Table.Td>
                <Table.Td>
                  {labourByOperator(op).map((l) => (
                    <Text size="sm" key={l.operator}>
                      {l.operator}: {l.minutes} min{l.open ? ", clocked in" : ""}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {short ? (
                      <Button size="xs" color="orange.9" onClick={() => open({ kind: "short", op })}>
                        Complete short
                      </Button>
                    ) : null}
                    {actions.length ? (
                      <Menu>
                        <Menu.Target>
                          <Button size="xs" variant="default" aria-label={`Change ${op.key}`}>
                            Change…
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {actions.map((change) => (
                            <Menu.Item key={change} onClick={() => open({ kind: "floor", op, change })}>
                              {{ skip: "Skip", split: "Split across machines", rework: "Send parts back (rework)", insert: "Insert an operation after" }[change]}
                            </Menu.Item>
                          ))}
                        </Menu.Dropdown>
                      </Menu>
                    ) : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {order.operations.length === 0 ? (
        <Text c="dimmed" p="md">
          No operations yet: the routing is copied into the order when it is released.
        </Text>
      ) : null}
    </Card>
  );
}

function AsBuilt({ number, uom }: { number: string; uom: string }) {
  const built = useAsBuilt(number);
  if (built.isPending) return <Loading />;
  if (built.error) return <ProblemAlert error={built.error} />;
  const b = built.data;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder data-testid="planned-vs-built">
        <Title order={3} mb="xs">
          Planned versus as built
        </Title>
        <Text size="sm" c="dimmed">
          Released with routing {b.routing_version ?? "—"}: {b.planned.map((p) => `${p.seq} ${p.name}`).join(" → ") || "not released"}
        </Text>
        <Text size="sm" mt="xs">
          As built: {b.as_built.map((o) => `${o.key} ${humanize(o.status)}`).join(" → ") || "—"}
        </Text>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Change</Table.Th>
              <Table.Th>Op</Table.Th>
              <Table.Th>Why</Table.Th>
              <Table.Th>Who, when</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {b.changes.map((c, i) => (
              <Table.Tr key={i}>
                <Table.Td>{humanize(c.kind)}</Table.Td>
                <Table.Td>{c.operation}</Table.Td>
                <Table.Td>{c.reason}</Table.Td>
                <Table.Td>
                  {c.actor}, {formatDateTime(c.at)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {b.changes.length === 0 ? <Text c="dimmed">No floor change: built as planned.</Text> : null}
      </Card>
      <Card withBorder data-testid="materials">
        <Title order={3} mb="xs">
          Materials consumed and lots produced
        </Title>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Op</Table.Th>
              <Table.Th>Lot consumed</Table.Th>
              <Table.Th>Quantity</Table.Th>
              <Table.Th>Into</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {b.consumed.map((c, i) => (
              <Table.Tr key={i}>
                <Table.Td>{c.operation}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/material/lots/${encodeURIComponent(c.lot)}`}>
                    {c.lot}
                  </Anchor>{" "}
                  ({c.item})
                </Table.Td>
                <Table.Td>{formatQuantity(c.quantity, c.uom)}</Table.Td>
                <Table.Td>{c.output ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {b.consumed.length === 0 ? <Text c="dimmed">Nothing consumed yet.</Text> : null}
        <Text fw={700} mt="sm">
          Produced
        </Text>
        {b.outputs.length === 0 ? <Text c="dimmed">No lot or serial produced yet.</Text> : null}
        {b.outputs.map((o) => (
          <Text key={o.code} size="sm">
            <Anchor component={Link} to={`/material/lots/${encodeURIComponent(o.code)}`}>
              {o.code}
            </Anchor>{" "}
            {formatQuantity(o.quantity, o.uom || uom)} {o.item} at {o.operation}
            {o.components.length ? ` from ${o.components.map((c) => c.lot).join(", ")}` : ""}
          </Text>
        ))}
      </Card>
    </SimpleGrid>
  );
}

function History({ number }: { number: string }) {
  const history = useOrderHistory(number);
  if (history.isPending) return <Loading />;
  if (history.error) return <ProblemAlert error={history.error} />;
  return (
    <Card withBorder padding={0}>
      <Title order={3} p="md" pb={0}>
        History
      </Title>
      <Table striped data-testid="history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th>Why</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data.map((h, i) => (
            <Table.Tr key={i}>
              <Table.Td>{formatDateTime(h.at, { seconds: true })}</Table.Td>
              <Table.Td>{h.actor}</Table.Td>
              <Table.Td>
                {h.action}
                {h.entity_type === "operation" ? ` (${h.entity_id.split("/").slice(1).join("/")})` : ""}
              </Table.Td>
              <Table.Td>
                {h.old && typeof h.old === "object" && h.new && typeof h.new === "object" ? (
                  <Code>{summarise(h.old, h.new)}</Code>
                ) : null}
              </Table.Td>
              <Table.Td>{h.reason ?? ""}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function summarise(old: object, now: object): string {
  const o = old as Record<string, unknown>;
  const n = now as Record<string, unknown>;
  return Object.keys(n)
    .filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]))
    .map((k) => `${k}: ${JSON.stringify(o[k] ?? null)} → ${JSON.stringify(n[k])}`)
    .join("; ");
}

/** One work order: its operations, what was done, the plan versus as built, materials, history. */
export function WorkOrderPage() {
  const { number = "" } = useParams();
  const order = useWorkOrder(number);
  const { perms } = useSession();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  if (order.isPending) return <Loading />;
  if (order.error) return <ProblemAlert error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  const may = (p: string) => hasAll(perms, [p]);
  const close = () => setDialog(null);
  const buttons: { label: string; kind: Exclude<Dialog["kind"], "short" | "floor">; show: boolean; color?: string }[] = [
    { label: "Edit", kind: "edit", show: o.status === "planned" && may(PERM.workorderWrite) },
    { label: "Release", kind: "release", show: canRelease(o.status) && may(PERM.workorderRelease) },
    { label: "Hold", kind: "hold", show: (canHoldOrder(o.status) || o.status === "planned") && may(PERM.workorderRelease), color: "red.9" },
    { label: "Resume", kind: "resume", show: canResumeOrder(o.status) && may(PERM.workorderRelease) },
    {
      label: "Cancel",
      kind: "cancel",
      show: (canCancelOrder(o.status) || (o.status === "on_hold" && !o.started_at)) && may(PERM.workorderWrite),
      color: "red.9",
    },
    { label: "Close", kind: "close", show: canCloseOrder(o.status) && may(PERM.workorderWrite), color: "dark" },
  ];
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Anchor component={Link} to="/workorders">
            Work orders
          </Anchor>
          <Title order={2}>{o.number}</Title>
          <Badge size="lg" color={ORDER_STATUS_COLOR[o.status] ?? "gray.7"} data-testid="order-status">
            {humanize(o.status)}
          </Badge>
          {o.short ? (
            <Badge size="lg" color="orange.9" data-testid="order-short">
              Completed short
            </Badge>
          ) : null}
        </Group>
        <Group>
          {buttons
            .filter((b) => b.show)
            .map((b) => (
              <Button key={b.kind} color={b.color} onClick={() => setDialog({ kind: b.kind })}>
                {b.label}
              </Button>
            ))}
        </Group>
      </Group>
      <Header order={o} />
      <Operations
        order={o}
        supervise={may(PERM.workorderDispatch)}
        completeShort={may(PERM.workorderDispatch) && may(PERM.workorderExecute)}
        open={setDialog}
      />
      <AsBuilt number={o.number} uom={o.uom} />
      <History number={o.number} />
      {dialog?.kind === "edit" ? <OrderForm order={o} onClose={close} onSaved={close} /> : null}
      {dialog?.kind === "release" ? <ReleaseDialog order={o} onClose={close} /> : null}
      {dialog?.kind === "hold" ? <HoldDialog order={o} onClose={close} /> : null}
      {dialog?.kind === "resume" ? <ResumeDialog order={o} onClose={close} /> : null}
      {dialog?.kind === "cancel" ? <CancelDialog order={o} onClose={close} /> : null}
      {dialog?.kind === "close" ? <CloseDialog order={o} onClose={close} /> : null}
      {dialog?.kind === "short" ? <CompleteShortDialog order={o} op={dialog.op} onClose={close} /> : null}
      {dialog?.kind === "floor" ? <FloorDialog order={o} op={dialog.op} kind={dialog.change} onClose={close} /> : null}
    </Stack>
  );
}
