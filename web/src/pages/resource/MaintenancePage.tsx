import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  useAdvanceOrder,
  useAllEquipment,
  useCreateMaintenanceOrder,
  useCreatePlan,
  useCurrentState,
  useMaintenanceOrders,
  useMaintenancePlans,
  type MaintenancePlanSort,
  type MaintenanceOrder,
  type MaintenanceOrderSort,
  type MaintenanceStatus,
  type PlanCreate,
} from "../../api/resource";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { codeLabel } from "../../i18n";
import { formatDateTime, formatQuantity } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "../admin/listing";

const WRITE = "resource:maintenance:write";
const DAY_MS = 24 * 3600_000;

/** "overdue", "due" (within a day) or null, for an order that is not completed. */
export function dueness(order: Pick<MaintenanceOrder, "status" | "due_at">, now = Date.now()): "overdue" | "due" | null {
  if (order.status === "completed") return null;
  const due = new Date(order.due_at).getTime();
  if (due < now) return "overdue";
  if (due - now < DAY_MS) return "due";
  return null;
}

function useMachineOptions() {
  const equipment = useAllEquipment();
  return (equipment.data ?? [])
    .filter((e) => e.level === "equipment")
    .map((e) => ({ value: e.code, label: `${e.name} (${e.code})` }));
}

function MachineState({ code }: { code: string }) {
  const { t } = useTranslation();
  const state = useCurrentState(code);
  if (!state.data) return null;
  const s = state.data;
  return (
    <Alert
      color={s.available ? "green.9" : "orange.9"}
      variant="filled"
      title={t("resource.maintenance.machineState", {
        code,
        state: s.state ? codeLabel("equipmentState", s.state) : t("resource.maintenance.noState"),
      })}
      data-testid="machine-state"
    >
      {s.available
        ? t("resource.maintenance.availableSince", { since: formatDateTime(s.since) })
        : t("resource.maintenance.unavailableSince", { since: formatDateTime(s.since) })}
    </Alert>
  );
}

type Step = { order: MaintenanceOrder; to: "assigned" | "completed" } | null;

function StepDialog({ step, onClose, onDone }: { step: NonNullable<Step>; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const advance = useAdvanceOrder();
  const [text, setText] = useState(step.order.assigned_to ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { number } = step.order;
    const body =
      step.to === "assigned"
        ? { number, to: "assigned" as const, assignee: text.trim() }
        : { number, to: "completed" as const, comment: text.trim() };
    advance.mutate(body, { onSuccess: onDone });
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={
        step.to === "assigned"
          ? t("resource.maintenance.assignTitle", { number: step.order.number })
          : t("resource.maintenance.completeTitle", { number: step.order.number })
      }
      centered
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {advance.isError ? <ProblemAlert error={advance.error} /> : null}
          {step.to === "assigned" ? (
            <TextInput label={t("resource.maintenance.technician")} required data-autofocus value={text} onChange={(e) => setText(e.currentTarget.value)} />
          ) : (
            <>
              <Text>{t("resource.maintenance.leaves", { machine: step.order.equipment_code })}</Text>
              <Textarea label={t("resource.maintenance.whatDone")} autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={advance.isPending} color={step.to === "completed" ? "green.9" : undefined}>
              {step.to === "assigned" ? t("resource.maintenance.assign") : t("resource.maintenance.complete")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function NewOrder({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateMaintenanceOrder();
  const machines = useMachineOptions();
  const [equipment, setEquipment] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  return (
    <Modal opened onClose={onClose} title={t("resource.maintenance.newOrder")} centered size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ equipment_code: equipment ?? "", description: description.trim() }, { onSuccess: onClose });
        }}
        noValidate
      >
        <Stack>
          {create.isError ? <ProblemAlert error={create.error} /> : null}
          <Select label={t("resource.maintenance.machine")} data={machines} value={equipment} onChange={setEquipment} searchable required />
          <Textarea label={t("resource.maintenance.whatWrong")} required autosize minRows={3} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("resource.maintenance.createOrder")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Orders() {
  const { t } = useTranslation();
  const { can } = useSession();
  const url = useUrlState({ status: "", equipment: "", sort: "due_at", dir: "asc", size: "25" });
  const size = Number(url.get("size"));
  const orders = useMaintenanceOrders({
    status: (url.get("status") || undefined) as MaintenanceStatus | undefined,
    equipment: url.get("equipment") || undefined,
    sort: apiSort(url.get("sort"), url.get("dir") as SortDir) as MaintenanceOrderSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const machines = useMachineOptions();
  const advance = useAdvanceOrder();
  const [step, setStep] = useState<Step>(null);
  const [creating, setCreating] = useState(false);
  const [touched, setTouched] = useState<string | null>(null);
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  const rows = orders.data?.items ?? []; // one page, sorted by the API
  const writable = can(WRITE);
  return (
    <Stack>
      <Group align="flex-end" justify="space-between">
        <Group align="flex-end">
          <Select
            label={t("common.status")}
            placeholder={t("resource.maintenance.anyStatus")}
            w={180}
            data={["open", "assigned", "in_progress", "completed"].map((s) => ({ value: s, label: codeLabel("maintenanceStatus", s) }))}
            value={url.get("status") || null}
            onChange={(v) => url.set({ status: v })}
            clearable
          />
          <Select
            label={t("resource.maintenance.machine")}
            placeholder={t("resource.maintenance.everyMachine")}
            w={260}
            data={machines}
            value={url.get("equipment") || null}
            onChange={(v) => url.set({ equipment: v })}
            searchable
            clearable
          />
        </Group>
        {writable ? <Button onClick={() => setCreating(true)}>{t("resource.maintenance.newOrder")}</Button> : null}
      </Group>
      {advance.isError ? <ProblemAlert error={advance.error} /> : null}
      {touched ? <MachineState code={touched} /> : null}
      {orders.isError ? <ProblemAlert error={orders.error} onRetry={() => void orders.refetch()} /> : null}
      {orders.isPending ? (
        <Loading label={t("resource.maintenance.loadingOrders")} />
      ) : (
        <Table striped data-testid="maintenance-orders">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="number" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.order")}
              </SortTh>
              <Table.Th>{t("resource.maintenance.machine")}</Table.Th>
              <Table.Th>{t("resource.maintenance.what")}</Table.Th>
              <SortTh column="due_at" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.due")}
              </SortTh>
              <SortTh column="status" sort={sort} dir={dir} onSort={onSort}>
                {t("common.status")}
              </SortTh>
              <SortTh column="assigned_to" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.assignedTo")}
              </SortTh>
              {writable ? <Table.Th>{t("common.actions")}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((o) => {
              const due = dueness(o);
              return (
                <Table.Tr key={o.number} data-testid={`mo-${o.number}`}>
                  <Table.Td fw={700}>{o.number}</Table.Td>
                  <Table.Td>{o.equipment_code}</Table.Td>
                  <Table.Td>
                    {o.description ?? "—"}
                    {o.plan_code ? (
                      <Text size="xs" c="dimmed">
                        {o.counter_value
                          ? t("resource.maintenance.fromPlanAt", {
                              plan: o.plan_code,
                              trigger: codeLabel("maintenanceTrigger", o.trigger),
                              value: formatQuantity(o.counter_value),
                            })
                          : t("resource.maintenance.fromPlan", { plan: o.plan_code, trigger: codeLabel("maintenanceTrigger", o.trigger) })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {formatDateTime(o.due_at)}{" "}
                    {due === "overdue" ? (
                      <Badge color="red.9">{t("resource.maintenance.overdue")}</Badge>
                    ) : due === "due" ? (
                      <Badge color="orange.9">{t("resource.maintenance.dueSoon")}</Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={o.status === "completed" ? "green" : o.status === "in_progress" ? "orange" : "blue"}>
                      {codeLabel("maintenanceStatus", o.status)}
                    </Badge>
                    {o.completed_at ? (
                      <Text size="xs" c="dimmed">
                        {t("resource.maintenance.completedBy", { at: formatDateTime(o.completed_at), by: o.completed_by })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{o.assigned_to ?? "—"}</Table.Td>
                  {writable ? (
                    <Table.Td>
                      <Group gap="xs">
                        {o.status === "open" || o.status === "assigned" ? (
                          <Button size="xs" variant="default" onClick={() => setStep({ order: o, to: "assigned" })}>
                            {t("resource.maintenance.assign")}
                          </Button>
                        ) : null}
                        {o.status === "open" || o.status === "assigned" ? (
                          <Button
                            size="xs"
                            color="orange.9"
                            loading={advance.isPending && advance.variables?.number === o.number}
                            onClick={() =>
                              advance.mutate(
                                { number: o.number, to: "in_progress" },
                                { onSuccess: () => setTouched(o.equipment_code) },
                              )
                            }
                          >
                            {t("resource.maintenance.start")}
                          </Button>
                        ) : null}
                        {o.status === "in_progress" ? (
                          <Button size="xs" color="green.9" onClick={() => setStep({ order: o, to: "completed" })}>
                            {t("resource.maintenance.complete")}
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {orders.data ? (
        <Pager total={orders.data?.total ?? rows.length} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
      {step ? (
        <StepDialog
          step={step}
          onClose={() => setStep(null)}
          onDone={() => {
            setTouched(step.order.equipment_code);
            setStep(null);
          }}
        />
      ) : null}
      {creating ? <NewOrder onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function NewPlan({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreatePlan();
  const machines = useMachineOptions();
  const [plan, setPlan] = useState<{ code: string; name: string; equipment: string | null; trigger: string; interval: string }>({
    code: "",
    name: "",
    equipment: null,
    trigger: "calendar",
    interval: "",
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: PlanCreate = {
      code: plan.code.trim(),
      name: plan.name.trim(),
      equipment_code: plan.equipment ?? "",
      trigger: plan.trigger as PlanCreate["trigger"],
      interval: plan.interval.trim().replace(",", "."),
    };
    create.mutate(body, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={t("resource.maintenance.newPlanTitle")} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError ? <ProblemAlert error={create.error} /> : null}
          <TextInput label={t("common.code")} required value={plan.code} onChange={(e) => setPlan({ ...plan, code: e.currentTarget.value })} />
          <TextInput label={t("common.name")} required value={plan.name} onChange={(e) => setPlan({ ...plan, name: e.currentTarget.value })} />
          <Select label={t("resource.maintenance.machine")} required data={machines} value={plan.equipment} onChange={(v) => setPlan({ ...plan, equipment: v })} searchable />
          <Select
            label={t("resource.maintenance.trigger")}
            data={[
              { value: "calendar", label: t("resource.maintenance.calendarDays") },
              { value: "cycles", label: codeLabel("maintenanceTrigger", "cycles") },
              { value: "operating_hours", label: codeLabel("maintenanceTrigger", "operating_hours") },
            ]}
            value={plan.trigger}
            onChange={(v) => v && setPlan({ ...plan, trigger: v })}
            allowDeselect={false}
          />
          <TextInput
            label={t("resource.maintenance.interval")}
            description={t("resource.maintenance.intervalHint")}
            required
            value={plan.interval}
            onChange={(e) => setPlan({ ...plan, interval: e.currentTarget.value })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("resource.maintenance.createPlan")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Plans() {
  const { t } = useTranslation();
  const { can } = useSession();
  const url = useUrlState({ sort: "code", dir: "asc", size: "25" });
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const size = Number(url.get("size"));
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  // the API sorts and pages (ADR 44): the page shown is the one it answers
  const plans = useMaintenancePlans({
    sort: apiSort(sort, dir) as MaintenancePlanSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const [creating, setCreating] = useState(false);
  return (
    <Stack>
      {can(WRITE) ? (
        <Group justify="flex-end">
          <Button onClick={() => setCreating(true)}>{t("resource.maintenance.newPlan")}</Button>
        </Group>
      ) : null}
      {plans.isError ? <ProblemAlert error={plans.error} /> : null}
      {plans.isPending ? (
        <Loading />
      ) : (
        <Table striped data-testid="maintenance-plans">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="code" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.plan")}
              </SortTh>
              <Table.Th>{t("resource.maintenance.machine")}</Table.Th>
              <SortTh column="trigger" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.trigger")}
              </SortTh>
              <Table.Th>{t("resource.maintenance.interval")}</Table.Th>
              <Table.Th>{t("resource.maintenance.used")}</Table.Th>
              <SortTh column="last_done_at" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.maintenance.lastDone")}
              </SortTh>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(plans.data?.items ?? []).map((p) => {
              const ratio = Number(p.used) / Number(p.interval);
              return (
                <Table.Tr key={p.code}>
                  <Table.Td>
                    <Text fw={700}>{p.code}</Text>
                    <Text size="sm">{p.name}</Text>
                  </Table.Td>
                  <Table.Td>{p.equipment_code}</Table.Td>
                  <Table.Td>{codeLabel("maintenanceTrigger", p.trigger)}</Table.Td>
                  <Table.Td>{formatQuantity(p.interval)}</Table.Td>
                  <Table.Td>
                    {formatQuantity(p.used)}{" "}
                    {ratio >= 1 ? <Badge color="red.9">{t("resource.maintenance.dueSoon")}</Badge> : ratio >= 0.9 ? <Badge color="orange.9">{t("resource.maintenance.soon")}</Badge> : null}
                  </Table.Td>
                  <Table.Td>{formatDateTime(p.last_done_at)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {plans.data ? (
        <Pager total={plans.data.total} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
      {creating ? <NewPlan onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

/** Maintenance: orders (due, overdue; assign, start, complete) and the plans that raise them. */
export function MaintenancePage() {
  const { t } = useTranslation();
  // each tab keeps its own sort and page in the address: switching tabs clears them
  const url = useUrlState({ tab: "orders", sort: "", dir: "", size: "" });
  return (
    <Stack>
      <Title order={2}>{t("resource.maintenance.title")}</Title>
      <Tabs value={url.get("tab")} keepMounted={false} onChange={(v) => url.set({ tab: v, sort: null, dir: null, size: null })}>
        <Tabs.List>
          <Tabs.Tab value="orders">{t("resource.maintenance.orders")}</Tabs.Tab>
          <Tabs.Tab value="plans">{t("resource.maintenance.plans")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="orders" pt="md">
          <Orders />
        </Tabs.Panel>
        <Tabs.Panel value="plans" pt="md">
          <Plans />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
