import { Anchor, Badge, Button, Card, Code, Group, Menu, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
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
import { codeLabel } from "../../i18n";
import { formatDateTime, formatQuantity } from "../../lib/format";
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
  const { t } = useTranslation();
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Field label={t("workorders.list.col.product")}>{order.product}</Field>
        <Field label={t("workorders.list.col.quantity")}>{formatQuantity(order.quantity, order.uom)}</Field>
        <Field label={t("workorders.order.goodScrapLoss")}>
          {formatQuantity(order.good)} / {formatQuantity(order.scrap)} / {formatQuantity(order.process_loss)}
        </Field>
        <Field label={t("workorders.list.col.priority")}>{order.priority}</Field>
        <Field label={t("workorders.list.col.due")}>{formatDateTime(order.due)}</Field>
        <Field label={t("workorders.order.planned")}>
          {formatDateTime(order.planned_start)} → {formatDateTime(order.planned_end)}{" "}
          {order.late ? <Badge color="red.9">{t("workorders.late")}</Badge> : null}
        </Field>
        <Field label={t("workorders.list.col.erp_ref")}>{order.erp_ref ?? "—"}</Field>
        <Field label={t("workorders.form.routingVersion")}>{order.routing_version ?? t("workorders.order.latestAtRelease")}</Field>
        <Field label={t("workorders.order.created")}>
          {t("workorders.order.createdBy", { at: formatDateTime(order.created_at), by: order.created_by })}
        </Field>
        <Field label={t("workorders.order.released")}>{formatDateTime(order.released_at)}</Field>
        <Field label={t("workorders.order.completed")}>{formatDateTime(order.completed_at)}</Field>
        <Field label={t("workorders.order.closed")}>{formatDateTime(order.closed_at)}</Field>
      </SimpleGrid>
      {order.hold_reason ? (
        <Text c="red.9" fw={700} mt="sm">
          {t("workorders.order.onHold", { reason: order.hold_reason })}
        </Text>
      ) : null}
      {order.quality_hold ? (
        <Text c="red.9" fw={700} mt="sm">
          {t("workorders.order.qualityHold", { reason: order.quality_hold })}
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
  const { t } = useTranslation();
  return (
    <Card withBorder padding={0}>
      <Title order={3} p="md" pb={0}>
        {t("workorders.order.operations")}
      </Title>
      <Table striped data-testid="operations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("workorders.order.op")}</Table.Th>
            <Table.Th>{t("workorders.order.nameWorkCenter")}</Table.Th>
            <Table.Th>{t("workorders.list.col.status")}</Table.Th>
            <Table.Th>{t("workorders.order.qtyGoodScrapRework")}</Table.Th>
            <Table.Th>{t("workorders.order.planned")}</Table.Th>
            <Table.Th>{t("workorders.order.ran")}</Table.Th>
            <Table.Th>{t("workorders.order.labour")}</Table.Th>
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
                      {codeLabel("opOrigin", op.origin)}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {op.name}
                  <Text size="sm" c="dimmed">
                    {op.work_center}
                    {op.equipment ? ` · ${op.equipment}` : ""}
                  </Text>
                  {op.reason ? <Text size="sm">{t("workorders.order.why", { reason: op.reason })}</Text> : null}
                </Table.Td>
                <Table.Td style={{ minWidth: 130 }}>
                  <Badge color={OP_STATUS_COLOR[op.status] ?? "gray.7"} data-testid="op-status">
                    {codeLabel("opStatus", op.status)}
                  </Badge>
                  {op.pause_reason ? <Text size="sm">{t("workorders.order.pausedFor", { reason: op.pause_reason })}</Text> : null}
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
                  {Number(op.paused_minutes) > 0 ? <Text size="sm">{t("workorders.order.pausedMinutes", { minutes: formatQuantity(op.paused_minutes) })}</Text> : null}
                </Table.Td>
                <Table.Td>
                  {labourByOperator(op).map((l) => (
                    <Text size="sm" key={l.operator}>
                      {t(l.open ? "workorders.order.labourOpen" : "workorders.order.labourMinutes", { operator: l.operator, minutes: l.minutes })}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {short ? (
                      <Button size="xs" color="orange.9" onClick={() => open({ kind: "short", op })}>
                        {t("workorders.order.completeShort")}
                      </Button>
                    ) : null}
                    {actions.length ? (
                      <Menu>
                        <Menu.Target>
                          <Button size="xs" variant="default" aria-label={t("workorders.order.changeOp", { op: op.key })}>
                            {t("workorders.order.changeMenu")}
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {actions.map((change) => (
                            <Menu.Item key={change} onClick={() => open({ kind: "floor", op, change })}>
                              {t(`workorders.order.floor.${change}`)}
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
          {t("workorders.order.noOperations")}
        </Text>
      ) : null}
    </Card>
  );
}

function AsBuilt({ number, uom }: { number: string; uom: string }) {
  const built = useAsBuilt(number);
  const { t } = useTranslation();
  if (built.isPending) return <Loading />;
  if (built.error) return <ProblemAlert error={built.error} />;
  const b = built.data;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder data-testid="planned-vs-built">
        <Title order={3} mb="xs">
          {t("workorders.order.plannedVsBuilt")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("workorders.order.releasedWith", {
            version: b.routing_version ?? "—",
            ops: b.planned.map((p) => `${p.seq} ${p.name}`).join(" → ") || t("workorders.order.notReleased"),
          })}
        </Text>
        <Text size="sm" mt="xs">
          {t("workorders.order.asBuilt", { ops: b.as_built.map((o) => `${o.key} ${codeLabel("opStatus", o.status)}`).join(" → ") || "—" })}
        </Text>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("workorders.order.change")}</Table.Th>
              <Table.Th>{t("workorders.order.op")}</Table.Th>
              <Table.Th>{t("workorders.order.whyHead")}</Table.Th>
              <Table.Th>{t("workorders.order.whoWhen")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {b.changes.map((c, i) => (
              <Table.Tr key={i}>
                <Table.Td>{codeLabel("floorChange", c.kind)}</Table.Td>
                <Table.Td>{c.operation}</Table.Td>
                <Table.Td>{c.reason}</Table.Td>
                <Table.Td>
                  {c.actor}, {formatDateTime(c.at)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {b.changes.length === 0 ? <Text c="dimmed">{t("workorders.order.noChange")}</Text> : null}
      </Card>
      <Card withBorder data-testid="materials">
        <Title order={3} mb="xs">
          {t("workorders.order.materials")}
        </Title>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("workorders.order.op")}</Table.Th>
              <Table.Th>{t("workorders.order.lotConsumed")}</Table.Th>
              <Table.Th>{t("workorders.list.col.quantity")}</Table.Th>
              <Table.Th>{t("workorders.order.into")}</Table.Th>
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
        {b.consumed.length === 0 ? <Text c="dimmed">{t("workorders.order.nothingConsumed")}</Text> : null}
        <Text fw={700} mt="sm">
          {t("workorders.order.produced")}
        </Text>
        {b.outputs.length === 0 ? <Text c="dimmed">{t("workorders.order.nothingProduced")}</Text> : null}
        {b.outputs.map((o) => (
          <Text key={o.code} size="sm">
            <Anchor component={Link} to={`/material/lots/${encodeURIComponent(o.code)}`}>
              {o.code}
            </Anchor>{" "}
            {t("workorders.order.output", { quantity: formatQuantity(o.quantity, o.uom || uom), item: o.item, op: o.operation })}
            {o.components.length ? ` ${t("workorders.order.from", { lots: o.components.map((c) => c.lot).join(", ") })}` : ""}
          </Text>
        ))}
      </Card>
    </SimpleGrid>
  );
}

function History({ number }: { number: string }) {
  const history = useOrderHistory(number);
  const { t } = useTranslation();
  if (history.isPending) return <Loading />;
  if (history.error) return <ProblemAlert error={history.error} />;
  return (
    <Card withBorder padding={0}>
      <Title order={3} p="md" pb={0}>
        {t("workorders.order.history")}
      </Title>
      <Table striped data-testid="history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("workorders.order.when")}</Table.Th>
            <Table.Th>{t("workorders.order.who")}</Table.Th>
            <Table.Th>{t("workorders.order.what")}</Table.Th>
            <Table.Th>{t("workorders.order.change")}</Table.Th>
            <Table.Th>{t("workorders.order.whyHead")}</Table.Th>
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
  const { t } = useTranslation();
  if (order.isPending) return <Loading />;
  if (order.error) return <ProblemAlert error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  const may = (p: string) => hasAll(perms, [p]);
  const close = () => setDialog(null);
  const buttons: { label: string; kind: Exclude<Dialog["kind"], "short" | "floor">; show: boolean; color?: string }[] = [
    { label: t("workorders.action.edit"), kind: "edit", show: o.status === "planned" && may(PERM.workorderWrite) },
    { label: t("workorders.action.release"), kind: "release", show: canRelease(o.status) && may(PERM.workorderRelease) },
    { label: t("workorders.action.hold"), kind: "hold", show: (canHoldOrder(o.status) || o.status === "planned") && may(PERM.workorderRelease), color: "red.9" },
    { label: t("workorders.action.resume"), kind: "resume", show: canResumeOrder(o.status) && may(PERM.workorderRelease) },
    {
      label: t("workorders.action.cancel"),
      kind: "cancel",
      show: (canCancelOrder(o.status) || (o.status === "on_hold" && !o.started_at)) && may(PERM.workorderWrite),
      color: "red.9",
    },
    { label: t("workorders.action.close"), kind: "close", show: canCloseOrder(o.status) && may(PERM.workorderWrite), color: "dark" },
  ];
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Anchor component={Link} to="/workorders">
            {t("workorders.list.title")}
          </Anchor>
          <Title order={2}>{o.number}</Title>
          <Badge size="lg" color={ORDER_STATUS_COLOR[o.status] ?? "gray.7"} data-testid="order-status">
            {codeLabel("orderStatus", o.status)}
          </Badge>
          {o.short ? (
            <Badge size="lg" color="orange.9" data-testid="order-short">
              {t("workorders.order.completedShort")}
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
