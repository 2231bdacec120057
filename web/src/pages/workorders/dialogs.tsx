import { Alert, Button, Checkbox, Group, List, Modal, Select, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { useState, type FormEvent, type ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import {
  useCompleteShort,
  useFloorChange,
  useOrderAction,
  useRoutings,
  type FloorChange,
  type Operation,
  type WorkOrder,
} from "../../api/workOrders";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatQuantity } from "../../lib/format";
import { validateReason } from "../../lib/forms";

/** A dialog with a reason (required or not), the API's refusal inside, and a confirm button. */
function ActionDialog({
  title,
  confirmLabel,
  color,
  reasonRequired,
  children,
  canConfirm = true,
  onConfirm,
  onClose,
  testId,
}: {
  title: string;
  confirmLabel: string;
  color?: string;
  reasonRequired: boolean;
  children?: ReactNode;
  canConfirm?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
  testId?: string;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = reasonRequired || reason.trim() ? validateReason(reason) : null;
    setError(problem);
    if (problem) return;
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title} size="lg" centered>
      <form onSubmit={submit} noValidate data-testid={testId}>
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          {children}
          <Textarea
            label={reasonRequired ? t("dialog.reason") : t("dialog.reasonOptional")}
            description={t("dialog.keptInAudit")}
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(null);
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.back")}
            </Button>
            <Button type="submit" color={color} loading={busy} disabled={!canConfirm}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Release: shows the routing that will be frozen into the order before it is. */
export function ReleaseDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const routings = useRoutings(order.product);
  const versions = routings.data ?? [];
  const { t } = useTranslation();
  // the order's version, else the latest (the API picks the same at release)
  const routing = order.routing_version
    ? versions.find((r) => r.version === order.routing_version)
    : [...versions].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  return (
    <ActionDialog
      title={t("workorders.dialog.releaseTitle", { number: order.number })}
      confirmLabel={t("workorders.action.release")}
      reasonRequired={false}
      canConfirm={!!routing}
      testId="release-dialog"
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "release", reason })}
      onClose={onClose}
    >
      {routings.isPending ? <Loading /> : null}
      {routings.error ? <ProblemAlert error={routings.error} /> : null}
      {routing ? (
        <Stack gap="xs">
          <Text>
            <Trans
              i18nKey="workorders.dialog.releaseFreezes"
              values={{
                version: routing.version,
                bom: routing.bom_version ? ` (${t("workorders.dialog.bom", { version: routing.bom_version })})` : "",
                quantity: formatQuantity(order.quantity, order.uom),
              }}
              components={{ b: <b /> }}
            />
          </Text>
          <Table withTableBorder data-testid="frozen-routing">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("workorders.dialog.step")}</Table.Th>
                <Table.Th>{t("workorders.dialog.operation")}</Table.Th>
                <Table.Th>{t("workorders.dialog.workCenter")}</Table.Th>
                <Table.Th>{t("workorders.dialog.setupRun")}</Table.Th>
                <Table.Th>{t("workorders.dialog.materials")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {routing.operations.map((op) => (
                <Table.Tr key={op.seq}>
                  <Table.Td>{op.seq}</Table.Td>
                  <Table.Td>{op.name}</Table.Td>
                  <Table.Td>{op.work_center}</Table.Td>
                  <Table.Td>
                    {op.setup_minutes} + {op.run_minutes_per_unit}
                  </Table.Td>
                  <Table.Td>{op.materials.map((m) => `${m.item} ${m.quantity} ${m.uom}`).join(", ") || "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ) : routings.isSuccess ? (
        <Alert color="red.9" variant="filled">
          {order.routing_version
            ? t("workorders.dialog.noRoutingVersion", { product: order.product, version: order.routing_version })
            : t("workorders.dialog.noRouting", { product: order.product })}
        </Alert>
      ) : null}
    </ActionDialog>
  );
}

export function HoldDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const { t } = useTranslation();
  return (
    <ActionDialog
      title={t("workorders.dialog.holdTitle", { number: order.number })}
      confirmLabel={t("workorders.action.hold")}
      color="red.9"
      reasonRequired
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "hold", reason })}
      onClose={onClose}
    >
      <Text>{t("workorders.dialog.holdText")}</Text>
    </ActionDialog>
  );
}

export function ResumeDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const { t } = useTranslation();
  return (
    <ActionDialog
      title={t("workorders.dialog.resumeTitle", { number: order.number })}
      confirmLabel={t("workorders.action.resume")}
      reasonRequired={false}
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "resume", reason })}
      onClose={onClose}
    >
      <Text>
        {order.hold_reason
          ? t("workorders.dialog.resumeTextHeld", { reason: order.hold_reason })
          : t("workorders.dialog.resumeText")}
      </Text>
    </ActionDialog>
  );
}

export function CancelDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const { t } = useTranslation();
  return (
    <ActionDialog
      title={t("workorders.dialog.cancelTitle", { number: order.number })}
      confirmLabel={t("workorders.dialog.cancelConfirm")}
      color="red.9"
      reasonRequired
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "cancel", reason })}
      onClose={onClose}
    >
      <Text>{t("workorders.dialog.cancelText")}</Text>
    </ActionDialog>
  );
}

/** Close: irreversible, so it asks for an explicit yes. */
export function CloseDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const [sure, setSure] = useState(false);
  const { t } = useTranslation();
  return (
    <ActionDialog
      title={t("workorders.dialog.closeTitle", { number: order.number })}
      confirmLabel={t("workorders.dialog.closeConfirm")}
      color="dark"
      reasonRequired={false}
      canConfirm={sure}
      testId="close-dialog"
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "close", reason })}
      onClose={onClose}
    >
      <Alert color="orange.9" variant="filled" title={t("workorders.dialog.cantUndo")}>
        {t("workorders.dialog.closeText", {
          good: formatQuantity(order.good, order.uom),
          scrap: formatQuantity(order.scrap, order.uom),
        })}
      </Alert>
      <Checkbox
        label={t("workorders.dialog.closeSure", { number: order.number })}
        checked={sure}
        onChange={(e) => setSure(e.currentTarget.checked)}
        data-testid="close-sure"
      />
    </ActionDialog>
  );
}

/** A supervisor completes the order's last operation short of its quantity, with a reason. */
export function CompleteShortDialog({
  order,
  op,
  onClose,
}: {
  order: WorkOrder;
  op: Operation;
  onClose: () => void;
}) {
  const complete = useCompleteShort(order.number);
  const [good, setGood] = useState("0");
  const valid = /^\d+(\.\d+)?$/.test(good.trim());
  const { t } = useTranslation();
  return (
    <ActionDialog
      title={t("workorders.dialog.shortTitle", { number: order.number })}
      confirmLabel={t("workorders.order.completeShort")}
      color="orange.9"
      reasonRequired
      canConfirm={valid}
      testId="complete-short-dialog"
      onConfirm={(reason) => complete.mutateAsync({ key: op.key, good: good.trim(), reason })}
      onClose={onClose}
    >
      <Text>
        {t("workorders.dialog.shortText", {
          op: op.key,
          name: op.name,
          good: formatQuantity(op.good, order.uom),
          quantity: formatQuantity(op.quantity, order.uom),
        })}
      </Text>
      <TextInput
        label={t("workorders.dialog.goodToAdd")}
        description={t("workorders.dialog.goodToAddHint")}
        inputMode="decimal"
        value={good}
        onChange={(e) => setGood(e.currentTarget.value)}
        error={valid ? null : t("forms.quantityNegative")}
      />
    </ActionDialog>
  );
}

export type FloorKind = FloorChange["kind"];

/** Skip, split, rework or insert after an operation, each with a reason (workorder:dispatch). */
export function FloorDialog({
  order,
  op,
  kind,
  onClose,
}: {
  order: WorkOrder;
  op: Operation;
  kind: FloorKind;
  onClose: () => void;
}) {
  const change = useFloorChange(order.number);
  const [parts, setParts] = useState([
    { quantity: "", equipment: "" },
    { quantity: "", equipment: "" },
  ]);
  const earlier = order.operations.filter((o) => o.position < op.position && o.status === "completed");
  const [to, setTo] = useState<string | null>(earlier.at(-1)?.key ?? null);
  const [quantity, setQuantity] = useState("");
  const [name, setName] = useState("");
  const [workCenter, setWorkCenter] = useState(op.work_center);
  const [setup, setSetup] = useState("0");
  const [run, setRun] = useState("1");
  const { t } = useTranslation();
  const title = t(`workorders.dialog.floorTitle.${kind}`, { op: op.key });
  const build = (reason: string): FloorChange => {
    switch (kind) {
      case "skip":
        return { kind, key: op.key, reason };
      case "split":
        return {
          kind,
          key: op.key,
          reason,
          parts: parts.map((p) => ({ quantity: p.quantity.trim(), equipment: p.equipment.trim() || null })),
        };
      case "rework":
        return { kind, key: op.key, reason, to_operation: to ?? "", quantity: quantity.trim() };
      case "insert":
        return {
          kind,
          key: op.key,
          reason,
          name: name.trim(),
          work_center: workCenter.trim(),
          setup_minutes: setup.trim(),
          run_minutes_per_unit: run.trim(),
        };
    }
  };
  return (
    <ActionDialog
      title={title}
      confirmLabel={t(`workorders.dialog.floorConfirm.${kind}`)}
      reasonRequired
      testId={`floor-${kind}-dialog`}
      onConfirm={(reason) => change.mutateAsync(build(reason))}
      onClose={onClose}
    >
      {kind === "skip" ? <Text>{t("workorders.dialog.skipText", { name: op.name })}</Text> : null}
      {kind === "split" ? (
        <Stack gap="xs">
          <Text>
            {t("workorders.dialog.splitText", { quantity: formatQuantity(op.quantity, order.uom), workCenter: op.work_center })}
          </Text>
          {parts.map((p, i) => (
            <Group key={i} grow>
              <TextInput
                label={t("workorders.dialog.partQuantity", { part: String.fromCharCode(65 + i) })}
                inputMode="decimal"
                value={p.quantity}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setParts((old) => old.map((x, j) => (j === i ? { ...x, quantity: value } : x)));
                }}
              />
              <TextInput
                label={t("workorders.dialog.machineOptional")}
                value={p.equipment}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setParts((old) => old.map((x, j) => (j === i ? { ...x, equipment: value } : x)));
                }}
              />
            </Group>
          ))}
          <Button variant="default" w="fit-content" onClick={() => setParts((old) => [...old, { quantity: "", equipment: "" }])}>
            {t("workorders.dialog.addPart")}
          </Button>
        </Stack>
      ) : null}
      {kind === "rework" ? (
        <Group grow>
          <Select
            label={t("workorders.dialog.backTo")}
            data={earlier.map((o) => ({ value: o.key, label: `${o.key} ${o.name}` }))}
            value={to}
            onChange={setTo}
          />
          <TextInput label={t("workorders.list.col.quantity")} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.currentTarget.value)} />
        </Group>
      ) : null}
      {kind === "insert" ? (
        <Stack gap="xs">
          <Group grow>
            <TextInput label={t("workorders.dialog.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput label={t("workorders.dialog.workCenter")} value={workCenter} onChange={(e) => setWorkCenter(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <TextInput label={t("workorders.dialog.setupMinutes")} inputMode="decimal" value={setup} onChange={(e) => setSetup(e.currentTarget.value)} />
            <TextInput label={t("workorders.dialog.runMinutes")} inputMode="decimal" value={run} onChange={(e) => setRun(e.currentTarget.value)} />
          </Group>
        </Stack>
      ) : null}
      {kind === "rework" && !earlier.length ? (
        <List>
          <List.Item>{t("workorders.dialog.noEarlier")}</List.Item>
        </List>
      ) : null}
    </ActionDialog>
  );
}
