import { Alert, Badge, Button, Card, Grid, Group, Modal, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { errorMessage } from "../api/problem";
import { useEquipment } from "../api/resource";
import { useDispatchList, useOperationAction, useWorkCenters, useWorkOrder, type OpAction } from "../api/workOrders";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { formatQuantity, humanize } from "../lib/format";
import { OP_STATUS_COLOR } from "../lib/orders";
import { useTerminal } from "../lib/useTerminal";
import { ConsumeBox } from "../components/station/ConsumeBox";
import { DispatchCard } from "../components/station/DispatchCard";
import { YieldForm } from "../components/station/YieldForm";
import { DueInspections } from "../components/quality/DueInspections";
import { StepsPanel } from "../components/station/StepsPanel";
import { LabelPanel } from "../components/station/LabelPanel";

const PAUSE_REASONS = ["Material missing", "Machine fault", "Tool change", "Quality check", "Break"];

interface StationConfig {
  workCenter: string | null;
  equipment: string | null;
}

function StationSetup({ config, onChange }: { config: StationConfig; onChange: (c: StationConfig) => void }) {
  const centers = useWorkCenters();
  const equipment = useEquipment("equipment");
  const machines = (equipment.data?.items ?? []).filter((e) => e.parent_code === config.workCenter);
  return (
    <Group align="flex-end" gap="md" wrap="wrap">
      <Select
        label="Work center"
        size="xl"
        w={360}
        placeholder={centers.isPending ? "Loading…" : "Choose"}
        data={(centers.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.name} (${w.code})` }))}
        value={config.workCenter}
        onChange={(v) => onChange({ workCenter: v, equipment: null })}
        allowDeselect={false}
        error={centers.isError ? errorMessage(centers.error) : undefined}
      />
      <Select
        label="Equipment"
        size="xl"
        w={300}
        placeholder={config.workCenter ? "Choose" : "Work center first"}
        disabled={!config.workCenter}
        data={machines.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }))}
        value={config.equipment}
        onChange={(v) => onChange({ ...config, equipment: v })}
        clearable
      />
    </Group>
  );
}

function OperationPanel({ number, opKey, equipment }: { number: string; opKey: string; equipment: string | null }) {
  const order = useWorkOrder(number);
  const action = useOperationAction(number, opKey);
  const [pausing, setPausing] = useState(false);
  const [completing, setCompleting] = useState(false);

  if (order.isPending) return <Loading label={`Loading ${number}…`} />;
  if (order.isError) return <ProblemAlert error={order.error} size="xl" onRetry={() => void order.refetch()} />;
  const op = order.data.operations.find((o) => o.key === opKey);
  if (!op) return <ProblemAlert error={new Error(`Work order ${number} has no operation ${opKey}.`)} />;
  const run = (a: OpAction) => action.mutateAsync(a);
  const act = (a: OpAction) => {
    action.reset();
    action.mutate(a);
  };

  return (
    <Stack gap="md" data-testid="operation-panel">
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="gray.7" fw={700} tt="uppercase">
              {order.data.number} · {order.data.product}
            </Text>
            <Title order={2}>
              {op.key} {op.name}
            </Title>
          </div>
          <Badge size="xl" h={44} fz="lg" color={OP_STATUS_COLOR[op.status] ?? "gray.7"} variant="filled" data-testid="op-status">
            {humanize(op.status)}
          </Badge>
        </Group>
        <SimpleGrid cols={3} mt="md">
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              Ordered
            </Text>
            <Text fz={32} fw={800}>
              {formatQuantity(op.quantity, order.data.uom)}
            </Text>
          </div>
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              Good
            </Text>
            <Text fz={32} fw={800} c="green.9" data-testid="op-good">
              {formatQuantity(op.good)}
            </Text>
          </div>
          <div>
            <Text c="gray.7" fw={700} size="sm" tt="uppercase">
              Scrap
            </Text>
            <Text fz={32} fw={800} c="red.9" data-testid="op-scrap">
              {formatQuantity(op.scrap)}
            </Text>
          </div>
        </SimpleGrid>
        {op.status === "paused" && op.reason ? (
          <Text size="lg" fw={700} c="orange.9" mt="sm">
            Paused: {op.reason}
          </Text>
        ) : null}
        {action.isError ? (
          <div style={{ marginTop: 12 }}>
            <ProblemAlert error={action.error} size="xl" />
          </div>
        ) : null}
        <Group mt="lg" gap="md">
          {op.status === "pending" ? (
            <Button size="xl" h={72} px={40} color="green.9" loading={action.isPending} onClick={() => act({ action: "start", equipment: equipment ?? undefined })}>
              Start{equipment ? ` on ${equipment}` : ""}
            </Button>
          ) : null}
          {op.status === "in_progress" ? (
            <>
              <Button size="xl" h={72} px={40} color="orange.9" onClick={() => setPausing(true)}>
                Pause
              </Button>
              <Button size="xl" h={72} px={40} color="teal.9" onClick={() => setCompleting(true)}>
                Complete
              </Button>
            </>
          ) : null}
          {op.status === "paused" ? (
            <Button size="xl" h={72} px={40} color="green.9" loading={action.isPending} onClick={() => act({ action: "resume" })}>
              Resume
            </Button>
          ) : null}
        </Group>
        {op.status === "completed" ? (
          <Alert color="teal.9" variant="filled" mt="md" data-testid="op-done">
            <Text size="xl" fw={700} c="white">
              Completed: {formatQuantity(op.good)} good, {formatQuantity(op.scrap)} scrap. Work order{" "}
              {order.data.number} is {humanize(order.data.status).toLowerCase()}.
            </Text>
          </Alert>
        ) : null}
      </Card>
      {["completed", "closed"].includes(order.data.status) ? <LabelPanel workOrder={order.data.number} product={order.data.product} /> : null}
      {op.status === "in_progress" ? (
        <>
          <StepsPanel number={order.data.number} opKey={op.key} />
          <DueInspections workOrder={order.data.number} operation={op.key} equipment={op.equipment ?? equipment} />
          <ConsumeBox order={order.data} op={op} />
          <YieldForm run={run} busy={action.isPending} />
        </>
      ) : null}
      {pausing ? (
        <ReasonDialog
          title={`Pause ${op.key} ${op.name}`}
          confirmLabel="Pause"
          color="orange.9"
          suggestions={PAUSE_REASONS}
          onConfirm={(reason) => run({ action: "pause", reason })}
          onClose={() => setPausing(false)}
        />
      ) : null}
      <Modal opened={completing} onClose={() => setCompleting(false)} title={`Complete ${op.key} ${op.name}?`} size="lg" centered>
        <Stack>
          <Text size="xl">
            Good {formatQuantity(op.good)}, scrap {formatQuantity(op.scrap)} of {formatQuantity(op.quantity, order.data.uom)}.
          </Text>
          <Group justify="flex-end">
            <Button size="xl" variant="default" onClick={() => setCompleting(false)}>
              Not yet
            </Button>
            <Button
              size="xl"
              color="teal.9"
              onClick={() => {
                setCompleting(false);
                act({ action: "complete" });
              }}
            >
              Complete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

export function StationPage() {
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
  const items = (dispatch.data?.items ?? []).filter((i) => !config.equipment || !i.equipment || i.equipment === config.equipment);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Operator station</Title>
        <StationSetup
          config={config}
          onChange={(c) => {
            setConfig(c);
            setParams({});
          }}
        />
      </Group>
      {!config.workCenter ? (
        <Text size="xl">Choose the work center of this station.</Text>
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack gap="sm">
              <Title order={3}>Dispatch list</Title>
              {dispatch.isPending ? <Loading /> : null}
              {dispatch.isError ? <ProblemAlert error={dispatch.error} onRetry={() => void dispatch.refetch()} /> : null}
              {dispatch.data && items.length === 0 ? <Text size="lg">Nothing to do here right now.</Text> : null}
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
              <OperationPanel number={wo} opKey={op} equipment={config.equipment} />
            ) : (
              <Text size="xl" c="gray.8">
                Tap an operation of the dispatch list.
              </Text>
            )}
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
