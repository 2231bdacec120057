import { Alert, Badge, Button, Card, Grid, Group, Modal, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { errorMessage } from "../api/problem";
import { useEquipment } from "../api/resource";
import { useDispatchList, useWorkCenters, useWorkOrder, type DispatchItem, type Operation } from "../api/workOrders";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { newKey, type CommandKind } from "../lib/commandQueue";
import { codeLabel } from "../i18n";
import { formatDuration, formatQuantity } from "../lib/format";
import { OP_STATUS_COLOR } from "../lib/orders";
import { startStationQueue } from "../lib/stationCommands";
import { useNow } from "../lib/useNow";
import { opPath, refreshStation, useStationCommand } from "../lib/useStationCommand";
import { useTerminal } from "../lib/useTerminal";
import { ConsumeBox } from "../components/station/ConsumeBox";
import { DispatchCard } from "../components/station/DispatchCard";
import { LabourBox } from "../components/station/LabourBox";
import { MachineBox } from "../components/station/MachineBox";
import { PendingCommands } from "../components/station/PendingCommands";
import { YieldForm } from "../components/station/YieldForm";
import { DueInspections } from "../components/quality/DueInspections";
import { StepsPanel } from "../components/station/StepsPanel";
import { LabelPanel } from "../components/station/LabelPanel";

// the pause reasons offered, as catalogue keys: the reason is recorded in the operator's language
const PAUSE_REASONS = ["materialMissing", "machineFault", "toolChange", "qualityCheck", "break"];

interface StationConfig {
  workCenter: string | null;
  equipment: string | null;
}

function StationSetup({ config, onChange }: { config: StationConfig; onChange: (c: StationConfig) => void }) {
  const { t } = useTranslation();
  const centers = useWorkCenters();
  const equipment = useEquipment("equipment");
  const machines = (equipment.data?.items ?? []).filter((e) => e.parent_code === config.workCenter);
  return (
    <Group align="flex-end" gap="md" wrap="wrap">
      <Select
        label={t("station.workCenter")}
        size="xl"
        w={360}
        placeholder={centers.isPending ? t("station.loading") : t("station.choose")}
        data={(centers.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.name} (${w.code})` }))}
        value={config.workCenter}
        onChange={(v) => onChange({ workCenter: v, equipment: null })}
        allowDeselect={false}
        error={centers.isError ? errorMessage(centers.error) : undefined}
      />
      <Select
        label={t("station.equipment")}
        size="xl"
        w={300}
        placeholder={config.workCenter ? t("station.choose") : t("station.workCenterFirst")}
        disabled={!config.workCenter}
        data={machines.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }))}
        value={config.equipment}
        onChange={(v) => onChange({ ...config, equipment: v })}
        clearable
      />
    </Group>
  );
}

/** The operation's times: running time so far (pauses left out) against its target (setup + run per piece). */
function Times({ op }: { op: Operation }) {
  const { t } = useTranslation();
  const now = useNow(15_000);
  const target = (Number(op.setup_minutes) + Number(op.run_minutes_per_unit) * Number(op.quantity)) * 60_000;
  const end = op.completed_at ? new Date(op.completed_at).getTime() : now;
  const elapsed = op.started_at ? end - new Date(op.started_at).getTime() - Number(op.paused_minutes) * 60_000 : 0;
  return (
    <Text size="lg" data-testid="op-times">
      <b>{t("station.elapsed")}</b> {op.started_at ? formatDuration(elapsed) : t("station.notStarted")} ·{" "}
      <b>{t("station.target")}</b> {formatDuration(target)}
      {op.started_at && elapsed > target ? (
        <Text span c="red.9" fw={700}>
          {" "}
          · {t("station.overTarget")}
        </Text>
      ) : null}
    </Text>
  );
}

function OperationPanel({
  number,
  opKey,
  equipment,
  dispatched,
}: {
  number: string;
  opKey: string;
  equipment: string | null;
  dispatched: DispatchItem | undefined;
}) {
  const { t } = useTranslation();
  const order = useWorkOrder(number);
  const command = useStationCommand();
  const [pausing, setPausing] = useState<string | null>(null);
  const [completing, setCompleting] = useState<string | null>(null);
  // one key per shown button (start, resume): a double tap or a retry sends it once
  const [tapKey, setTapKey] = useState(newKey);

  if (order.isPending) return <Loading label={t("station.loadingOrder", { number })} />;
  if (order.isError) return <ProblemAlert error={order.error} size="xl" onRetry={() => void order.refetch()} />;
  const op = order.data.operations.find((o) => o.key === opKey);
  if (!op) return <ProblemAlert error={new Error(t("station.noSuchOperation", { number, op: opKey }))} />;
  const wo = order.data;
  const decimals = wo.uom_decimals ?? 6;
  const qty = (q: string) => formatQuantity(q, wo.uom, undefined, decimals);
  const held = wo.status === "on_hold" || !!wo.quality_hold;
  const blockers = op.status === "pending" && dispatched && !dispatched.can_start ? dispatched.blocked_by : [];
  const canAct = !held;
  const run = (kind: CommandKind, action: string, body: unknown, label: string, key = tapKey) =>
    command
      .run({ key, kind, path: opPath(number, op.key, action), body, label, workOrder: number, operation: op.key })
      .then(() => setTapKey(newKey()));
  const act = (kind: CommandKind, action: string, body: unknown, label: string) => void run(kind, action, body, label).catch(() => undefined);
  const machine = op.equipment ?? equipment;
  const opStatus = codeLabel("opStatus", op.status);
  const woStatus = codeLabel("orderStatus", wo.status);

  return (
    <Stack gap="md" data-testid="operation-panel">
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="gray.7" fw={700} tt="uppercase">
              {wo.number} · {wo.product}
            </Text>
            <Title order={2}>
              {op.key} {op.name}
            </Title>
          </div>
          <Badge size="xl" h={44} fz="lg" color={OP_STATUS_COLOR[op.status] ?? "gray.7"} variant="filled" data-testid="op-status">
            {opStatus}
          </Badge>
        </Group>
        {held ? (
          <Alert color="red.9" variant="filled" mt="md" data-testid="order-held" title={wo.quality_hold ? t("station.heldByQuality") : t("station.orderOnHold")}>
            <Text size="xl" fw={700} c="white">
              {wo.quality_hold ?? wo.hold_reason ?? t("station.onHold")} {t("station.nothingUntilReleased")}
            </Text>
          </Alert>
        ) : null}
        <SimpleGrid cols={3} mt="md">
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              {t("station.ordered")}
            </Text>
            <Text fz={32} fw={800}>
              {qty(op.quantity)}
            </Text>
          </div>
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              {t("station.good")}
            </Text>
            <Text fz={32} fw={800} c="green.9" data-testid="op-good">
              {formatQuantity(op.good, null, undefined, decimals)}
            </Text>
          </div>
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              {t("station.scrap")}
            </Text>
            <Text fz={32} fw={800} c="red.9" data-testid="op-scrap">
              {formatQuantity(op.scrap, null, undefined, decimals)}
            </Text>
          </div>
        </SimpleGrid>
        <Times op={op} />
        {op.status === "paused" ? (
          <Text size="xl" fw={700} c="orange.9" mt="sm" data-testid="pause-reason">
            {t("station.pausedReason", { reason: op.pause_reason ?? t("station.noReasonGiven") })}
          </Text>
        ) : null}
        {blockers.length ? (
          <Alert color="red.9" variant="light" mt="md" title={t("station.cantStartYet")} data-testid="op-blocked">
            {blockers.map((b) => (
              <Text key={b.code} size="lg" fw={700} c="red.9">
                {b.detail}
              </Text>
            ))}
          </Alert>
        ) : null}
        {command.error ? (
          <div style={{ marginTop: 12 }}>
            <ProblemAlert error={command.error} size="xl" />
          </div>
        ) : null}
        {canAct ? (
          <Group mt="lg" gap="md">
            {op.status === "pending" && !blockers.length ? (
              <Button
                size="xl"
                h={72}
                px={40}
                color="green.9"
                loading={command.busy}
                onClick={() => act("start", "start", equipment ? { equipment } : {}, t("station.cmdStart", { op: op.key }))}
              >
                {equipment ? t("station.startOn", { equipment }) : t("station.start")}
              </Button>
            ) : null}
            {op.status === "in_progress" ? (
              <>
                <Button size="xl" h={72} px={40} color="orange.9" onClick={() => setPausing(newKey())}>
                  {t("station.pause")}
                </Button>
                <Button size="xl" h={72} px={40} color="teal.9" onClick={() => setCompleting(newKey())}>
                  {t("station.complete")}
                </Button>
              </>
            ) : null}
            {op.status === "paused" ? (
              <Button size="xl" h={72} px={40} color="green.9" loading={command.busy} onClick={() => act("resume", "resume", {}, t("station.cmdResume", { op: op.key }))}>
                {t("station.resume")}
              </Button>
            ) : null}
          </Group>
        ) : null}
        {op.status === "completed" ? (
          <Alert color="teal.9" variant="filled" mt="md" data-testid="op-done">
            <Text size="xl" fw={700} c="white">
              {t("station.completedSummary", { good: qty(op.good), scrap: qty(op.scrap), number: wo.number, status: woStatus.toLowerCase() })}
            </Text>
          </Alert>
        ) : null}
      </Card>
      {op.status !== "pending" ? <LabourBox number={wo.number} op={op} canAct={canAct} /> : null}
      {machine ? <MachineBox equipment={machine} /> : null}
      {["completed", "closed"].includes(wo.status) ? <LabelPanel workOrder={wo.number} product={wo.product} /> : null}
      {op.status === "in_progress" && canAct ? (
        <>
          <StepsPanel number={wo.number} opKey={op.key} />
          <DueInspections workOrder={wo.number} operation={op.key} equipment={op.equipment ?? equipment} />
          <ConsumeBox order={wo} op={op} />
          <YieldForm number={wo.number} opKey={op.key} uom={wo.uom} decimals={decimals} />
        </>
      ) : null}
      {pausing ? (
        <ReasonDialog
          title={t("station.pauseTitle", { op: op.key, name: op.name })}
          confirmLabel={t("station.pause")}
          color="orange.9"
          suggestions={PAUSE_REASONS.map((r) => t(`station.pauseReasons.${r}`))}
          // the dialog's own key: cancelling it sends nothing, now or later
          onConfirm={(reason) => run("pause", "pause", { reason }, t("station.cmdPause", { op: op.key, reason }), pausing)}
          onClose={() => setPausing(null)}
        />
      ) : null}
      <Modal opened={!!completing} onClose={() => setCompleting(null)} title={t("station.completeTitle", { op: op.key, name: op.name })} size="lg" centered>
        <Stack>
          <Text size="xl">
            {t("station.completeQuestion", { good: qty(op.good), scrap: qty(op.scrap), quantity: qty(op.quantity) })}
          </Text>
          <Group justify="flex-end">
            <Button size="xl" variant="default" onClick={() => setCompleting(null)}>
              {t("station.notYet")}
            </Button>
            <Button
              size="xl"
              color="teal.9"
              onClick={() => {
                const key = completing ?? newKey();
                setCompleting(null);
                // good and scrap were reported with "yield"; short completion is the supervisor's call
                void run("complete", "complete", { good: "0", scrap: [], accept_short: false }, t("station.cmdComplete", { op: op.key }), key).catch(
                  () => undefined,
                );
              }}
            >
              {t("station.complete")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

export function StationPage() {
  const { t } = useTranslation();
  const [stored, setConfig] = useLocalStorage<StationConfig>({
    key: "mes.station",
    defaultValue: { workCenter: null, equipment: null },
    getInitialValueInEffect: false,
  });
  // a station terminal starts at the work center its station was registered for
  const terminal = useTerminal();
  const config: StationConfig =
    !stored.workCenter && terminal?.workCenter ? { workCenter: terminal.workCenter, equipment: null } : stored;
  const [params, setParams] = useSearchParams();
  const wo = params.get("wo");
  const op = params.get("op");
  const dispatch = useDispatchList(config.workCenter ?? undefined);
  const client = useQueryClient();
  // what was done offline is sent as soon as the network is back, in order, each once
  useEffect(() => startStationQueue(() => refreshStation(client)), [client]);
  const items = (dispatch.data?.items ?? []).filter((i) => !config.equipment || !i.equipment || i.equipment === config.equipment);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("station.title")}</Title>
        <StationSetup
          config={config}
          onChange={(c) => {
            setConfig(c);
            setParams({});
          }}
        />
      </Group>
      <PendingCommands />
      {!config.workCenter ? (
        <Text size="xl">{t("station.chooseWorkCenter")}</Text>
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack gap="sm">
              <Title order={3}>{t("station.dispatchList")}</Title>
              {dispatch.isPending ? <Loading /> : null}
              {dispatch.isError ? <ProblemAlert error={dispatch.error} onRetry={() => void dispatch.refetch()} /> : null}
              {dispatch.data && items.length === 0 ? <Text size="lg">{t("station.nothingToDo")}</Text> : null}
              {items.map((item) => (
                <DispatchCard
                  key={`${item.work_order}/${item.operation}`}
                  item={item}
                  selected={item.work_order === wo && item.operation === op}
                  onSelect={() => setParams({ wo: item.work_order, op: item.operation })}
                />
              ))}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            {wo && op ? (
              <OperationPanel
                number={wo}
                opKey={op}
                equipment={config.equipment}
                dispatched={dispatch.data?.items.find((i) => i.work_order === wo && i.operation === op)}
              />
            ) : (
              <Text size="xl" c="gray.8">
                {t("station.tapOperation")}
              </Text>
            )}
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
