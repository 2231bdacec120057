import { Alert, Button, Checkbox, Group, List, Modal, Select, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { useState, type FormEvent, type ReactNode } from "react";
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
            label={reasonRequired ? "Reason" : "Reason (optional)"}
            description="Kept in the audit trail"
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
              Back
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
  // the order's version, else the latest (the API picks the same at release)
  const routing = order.routing_version
    ? versions.find((r) => r.version === order.routing_version)
    : [...versions].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  return (
    <ActionDialog
      title={`Release ${order.number}`}
      confirmLabel="Release"
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
            Releasing freezes into the order: routing <b>version {routing.version}</b>
            {routing.bom_version ? ` (BOM ${routing.bom_version})` : ""} for{" "}
            <b>{formatQuantity(order.quantity, order.uom)}</b>. Later routing versions will not change it.
          </Text>
          <Table withTableBorder data-testid="frozen-routing">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Step</Table.Th>
                <Table.Th>Operation</Table.Th>
                <Table.Th>Work center</Table.Th>
                <Table.Th>Setup + run/unit (min)</Table.Th>
                <Table.Th>Materials</Table.Th>
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
          {order.product} has no routing{order.routing_version ? ` version ${order.routing_version}` : ""}: it can't be released.
        </Alert>
      ) : null}
    </ActionDialog>
  );
}

export function HoldDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  return (
    <ActionDialog
      title={`Hold ${order.number}`}
      confirmLabel="Hold"
      color="red.9"
      reasonRequired
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "hold", reason })}
      onClose={onClose}
    >
      <Text>No operation of a held order can start; it leaves the schedule until it is resumed.</Text>
    </ActionDialog>
  );
}

export function ResumeDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  return (
    <ActionDialog
      title={`Resume ${order.number}`}
      confirmLabel="Resume"
      reasonRequired={false}
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "resume", reason })}
      onClose={onClose}
    >
      <Text>It goes back to where it was before the hold{order.hold_reason ? ` (held: ${order.hold_reason})` : ""}.</Text>
    </ActionDialog>
  );
}

export function CancelDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  return (
    <ActionDialog
      title={`Cancel ${order.number}`}
      confirmLabel="Cancel the order"
      color="red.9"
      reasonRequired
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "cancel", reason })}
      onClose={onClose}
    >
      <Text>A cancelled order is never made. Work that has started is completed short instead.</Text>
    </ActionDialog>
  );
}

/** Close: irreversible, so it asks for an explicit yes. */
export function CloseDialog({ order, onClose }: { order: WorkOrder; onClose: () => void }) {
  const action = useOrderAction();
  const [sure, setSure] = useState(false);
  return (
    <ActionDialog
      title={`Close ${order.number}`}
      confirmLabel="Close for good"
      color="dark"
      reasonRequired={false}
      canConfirm={sure}
      testId="close-dialog"
      onConfirm={(reason) => action.mutateAsync({ number: order.number, action: "close", reason })}
      onClose={onClose}
    >
      <Alert color="orange.9" variant="filled" title="This can't be undone">
        A closed order's figures are final ({formatQuantity(order.good, order.uom)} good,{" "}
        {formatQuantity(order.scrap, order.uom)} scrap): nothing can be booked on it any more.
      </Alert>
      <Checkbox
        label={`Yes, close ${order.number}`}
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
  return (
    <ActionDialog
      title={`Complete ${order.number} short`}
      confirmLabel="Complete short"
      color="orange.9"
      reasonRequired
      canConfirm={valid}
      testId="complete-short-dialog"
      onConfirm={(reason) => complete.mutateAsync({ key: op.key, good: good.trim(), reason })}
      onClose={onClose}
    >
      <Text>
        Operation {op.key} ({op.name}) has {formatQuantity(op.good, order.uom)} good reported of{" "}
        {formatQuantity(op.quantity, order.uom)}. Completing it completes the order short of its quantity.
      </Text>
      <TextInput
        label="Good to add now"
        description="Added to what was reported"
        inputMode="decimal"
        value={good}
        onChange={(e) => setGood(e.currentTarget.value)}
        error={valid ? null : "A quantity, 0 or more."}
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
  const titles: Record<FloorKind, string> = {
    skip: `Skip ${op.key}`,
    split: `Split ${op.key} across machines`,
    rework: `Send parts of ${op.key} back`,
    insert: `Insert an operation after ${op.key}`,
  };
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
      title={titles[kind]}
      confirmLabel={kind === "skip" ? "Skip" : kind === "split" ? "Split" : kind === "rework" ? "Send back" : "Insert"}
      reasonRequired
      testId={`floor-${kind}-dialog`}
      onConfirm={(reason) => change.mutateAsync(build(reason))}
      onClose={onClose}
    >
      {kind === "skip" ? <Text>{op.name} will not be done for this order.</Text> : null}
      {kind === "split" ? (
        <Stack gap="xs">
          <Text>
            {formatQuantity(op.quantity, order.uom)} to make at {op.work_center}: the parts must add up to it.
          </Text>
          {parts.map((p, i) => (
            <Group key={i} grow>
              <TextInput
                label={`Part ${String.fromCharCode(65 + i)} quantity`}
                inputMode="decimal"
                value={p.quantity}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setParts((old) => old.map((x, j) => (j === i ? { ...x, quantity: value } : x)));
                }}
              />
              <TextInput
                label="Machine (optional)"
                value={p.equipment}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setParts((old) => old.map((x, j) => (j === i ? { ...x, equipment: value } : x)));
                }}
              />
            </Group>
          ))}
          <Button variant="default" w="fit-content" onClick={() => setParts((old) => [...old, { quantity: "", equipment: "" }])}>
            Add a part
          </Button>
        </Stack>
      ) : null}
      {kind === "rework" ? (
        <Group grow>
          <Select
            label="Back to"
            data={earlier.map((o) => ({ value: o.key, label: `${o.key} ${o.name}` }))}
            value={to}
            onChange={setTo}
          />
          <TextInput label="Quantity" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.currentTarget.value)} />
        </Group>
      ) : null}
      {kind === "insert" ? (
        <Stack gap="xs">
          <Group grow>
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput label="Work center" value={workCenter} onChange={(e) => setWorkCenter(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <TextInput label="Setup minutes" inputMode="decimal" value={setup} onChange={(e) => setSetup(e.currentTarget.value)} />
            <TextInput label="Run minutes per unit" inputMode="decimal" value={run} onChange={(e) => setRun(e.currentTarget.value)} />
          </Group>
        </Stack>
      ) : null}
      {kind === "rework" && !earlier.length ? (
        <List>
          <List.Item>No earlier operation is completed: there is nothing to send parts back to.</List.Item>
        </List>
      ) : null}
    </ActionDialog>
  );
}
