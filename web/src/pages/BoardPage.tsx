import {
  Badge,
  Button,
  Card,
  Group,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useReducer, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useBoardCounts, type BoardTile } from "../api/reporting";
import { useEquipment, type BoardEntry, type StateEvent } from "../api/resource";
import { useOrderAction, useWorkOrders, type WorkOrder } from "../api/workOrders";
import { PERM } from "../auth/permissions";
import { session } from "../auth/session";
import { useSession } from "../auth/useSession";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { boardReducer, EMPTY_BOARD, machines } from "../lib/board";
import { codeLabel } from "../i18n";
import { formatDateTime, formatDuration, formatQuantity } from "../lib/format";
import {
  canCancelOrder,
  canCloseOrder,
  canHoldOrder,
  canRelease,
  canResumeOrder,
  equipmentStateColor,
  ORDER_STATUS_COLOR,
  progressPct,
} from "../lib/orders";
import { followEventStream, type StreamStatus } from "../lib/sse";
import { useNow } from "../lib/useNow";

function useLiveBoard(under: string | null) {
  const [board, dispatch] = useReducer(boardReducer, EMPTY_BOARD);
  const [status, setStatus] = useState<{ s: StreamStatus; error?: string }>({ s: "connecting" });
  useEffect(() => {
    dispatch({ type: "reset" });
    const ctrl = new AbortController();
    const url = `/api/v1/resource/equipment-states/stream${under ? `?under=${encodeURIComponent(under)}` : ""}`;
    void followEventStream(
      url,
      (r) => session.fetch(r),
      {
        onStatus: (s, error) => setStatus({ s, error }),
        onEvent: (e) => {
          try {
            if (e.event === "snapshot") {
              const snap = JSON.parse(e.data) as { under: string | null; items: BoardEntry[] };
              dispatch({ type: "snapshot", under: snap.under, items: snap.items });
            } else if (e.event === "state") {
              dispatch({ type: "state", change: JSON.parse(e.data) as StateEvent });
            }
          } catch {
            // a malformed event is skipped; the next snapshot (reconnect) corrects the board
          }
        },
      },
      ctrl.signal,
    );
    return () => ctrl.abort();
  }, [under]);
  return { board, status };
}

/** Good and scrap this shift against target, and why a stopped machine stands (from reporting). */
function ShiftCounts({ c, down }: { c: BoardTile | undefined; down: boolean }) {
  const { t } = useTranslation();
  if (!c) return null;
  return (
    <Stack gap={0} mt="xs">
      {down && c.reason_code ? (
        <Text fw={900} fz={22} data-testid="machine-reason">
          {c.reason_code}
        </Text>
      ) : null}
      <Text fw={700} size="lg" data-testid="machine-counts">
        {c.target !== null && c.target !== undefined
          ? t("board.countsWithTarget", { good: c.good.toFixed(0), target: c.target.toFixed(0), scrap: c.scrap.toFixed(0) })
          : t("board.counts", { good: c.good.toFixed(0), scrap: c.scrap.toFixed(0) })}
      </Text>
      {c.work_order ? (
        <Text size="sm" fw={600} opacity={0.9}>
          {c.work_order}
          {c.operator ? ` · ${c.operator}` : ""}
        </Text>
      ) : null}
    </Stack>
  );
}

function MachineTile({ m, now, counts }: { m: BoardEntry; now: number; counts?: BoardTile }) {
  const { t } = useTranslation();
  const since = m.since ? Date.parse(m.since) : null;
  const state = m.state ? codeLabel("equipmentState", m.state) : null;
  return (
    <Card
      padding="md"
      radius="md"
      bg={equipmentStateColor(m.state)}
      c="white"
      data-testid={`machine-${m.equipment_code}`}
      aria-label={`${m.name}: ${state ?? t("board.noStateYet")}`}
    >
      <Text fw={800} size="xl" lh={1.2}>
        {m.name}
      </Text>
      <Text size="sm" fw={600} opacity={0.9}>
        {m.equipment_code}
      </Text>
      <Text fw={900} fz={34} mt="sm" lh={1.1} tt="uppercase" data-testid="machine-state">
        {state ?? t("board.noState")}
      </Text>
      <Group justify="space-between" gap="xs">
        <Text fw={700} size="lg" data-testid="machine-since">
          {since ? t("board.for", { duration: formatDuration(now - since) }) : "—"}
        </Text>
        {!m.available ? (
          <Badge color="white" c="dark" variant="filled" size="md">
            {t("board.unavailable")}
          </Badge>
        ) : null}
      </Group>
      <ShiftCounts c={counts} down={m.state === "down"} />
    </Card>
  );
}

function OrderRow({ order, mayRelease, mayChange }: { order: WorkOrder; mayRelease: boolean; mayChange: boolean }) {
  const { t } = useTranslation();
  const action = useOrderAction();
  const [asking, setAsking] = useState<"hold" | "cancel" | null>(null);
  const pct = progressPct(order.good, order.quantity);
  const statusLabel = codeLabel("orderStatus", order.status);
  const run = (act: "release" | "resume" | "close") =>
    action.mutate(
      { number: order.number, action: act },
      {
        onError: (err) =>
          notifications.show({ color: "red.9", title: t("board.workOrder", { number: order.number }), message: (err as Error).message }),
      },
    );
  return (
    <Table.Tr data-testid={`order-${order.number}`}>
      <Table.Td fw={700}>{order.number}</Table.Td>
      <Table.Td>{order.product}</Table.Td>
      <Table.Td>
        <Badge color={ORDER_STATUS_COLOR[order.status] ?? "gray.7"} variant="filled" size="lg" data-testid="order-status">
          {statusLabel}
        </Badge>
        {order.hold_reason ? (
          <Text size="sm" c="red.9" fw={600}>
            {order.hold_reason}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td miw={180}>
        <Progress value={pct} size="lg" color={order.late ? "red.9" : "green.9"} aria-label={t("board.pctDone", { pct: Math.round(pct) })} />
        <Text size="sm">
          {formatQuantity(order.good, null)} / {formatQuantity(order.quantity, order.uom)}
          {order.scrap !== "0" ? ` · ${t("board.scrap", { qty: formatQuantity(order.scrap, null) })}` : ""}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={order.late ? "red.9" : undefined} fw={order.late ? 700 : 400}>
          {formatDateTime(order.due)}
          {order.late ? ` · ${t("board.late")}` : ""}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {mayRelease && canRelease(order.status) ? (
            <Button size="lg" onClick={() => run("release")} loading={action.isPending}>
              {t("board.release")}
            </Button>
          ) : null}
          {mayRelease && canHoldOrder(order.status) ? (
            <Button size="lg" color="red.9" onClick={() => setAsking("hold")}>
              {t("board.hold")}
            </Button>
          ) : null}
          {mayRelease && canResumeOrder(order.status) ? (
            <Button size="lg" color="green.9" onClick={() => run("resume")} loading={action.isPending}>
              {t("board.resume")}
            </Button>
          ) : null}
          {mayChange && canCloseOrder(order.status) ? (
            <Button size="lg" color="dark.6" onClick={() => run("close")} loading={action.isPending}>
              {t("board.close")}
            </Button>
          ) : null}
          {mayChange && canCancelOrder(order.status) ? (
            <Button size="lg" variant="outline" color="red.9" onClick={() => setAsking("cancel")}>
              {t("board.cancelOrder")}
            </Button>
          ) : null}
        </Group>
        {asking ? (
          <ReasonDialog
            title={t(asking === "hold" ? "board.holdTitle" : "board.cancelTitle", { number: order.number })}
            confirmLabel={t(asking === "hold" ? "board.holdConfirm" : "board.cancelConfirm")}
            color="red.9"
            onConfirm={(reason) => action.mutateAsync({ number: order.number, action: asking, reason })}
            onClose={() => setAsking(null)}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function WorkOrdersPanel() {
  const { t } = useTranslation();
  const { can } = useSession();
  const orders = useWorkOrders();
  const open = orders.data?.items.filter((o) => !["closed", "cancelled"].includes(o.status)) ?? [];
  return (
    <Stack>
      <Title order={3}>{t("board.workOrders")}</Title>
      {orders.isPending ? <Loading /> : null}
      {orders.isError ? <ProblemAlert error={orders.error} onRetry={() => void orders.refetch()} /> : null}
      {orders.data && open.length === 0 ? <Text c="gray.7">{t("board.noOpenOrders")}</Text> : null}
      {open.length ? (
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" fz="md" data-testid="work-orders">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("board.colOrder")}</Table.Th>
                <Table.Th>{t("board.colProduct")}</Table.Th>
                <Table.Th>{t("board.colStatus")}</Table.Th>
                <Table.Th>{t("board.colProgress")}</Table.Th>
                <Table.Th>{t("board.colDue")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {open.map((o) => (
                <OrderRow
                  key={o.number}
                  order={o}
                  mayRelease={can(PERM.workorderRelease)}
                  mayChange={can(PERM.workorderWrite)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Stack>
  );
}

const PLANT = "__plant";

const STATUS_KEY: Record<StreamStatus, string> = {
  connecting: "board.stream.connecting",
  live: "board.stream.live",
  reconnecting: "board.stream.reconnecting",
};

export function BoardPage({ tv = false }: { tv?: boolean }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const under = params.get("under");
  const areas = useEquipment("area");
  const centers = useEquipment("work_center");
  const sites = useEquipment("site", can(PERM.reportingRead));
  const { board, status } = useLiveBoard(under);
  const now = useNow(1000);
  const shown = machines(board);
  const counts = useBoardCounts(can(PERM.reportingRead) ? (under ?? sites.data?.items[0]?.code ?? null) : null);
  const byCode = new Map((counts.data?.items ?? []).map((c) => [c.equipment_code, c]));

  const options = [
    { group: t("board.groupPlant"), items: [{ value: PLANT, label: t("board.wholePlant") }] },
    { group: t("board.groupAreas"), items: (areas.data?.items ?? []).map((e) => ({ value: e.code, label: `${e.name} (${e.code})` })) },
    {
      group: t("board.groupLines"),
      items: (centers.data?.items ?? []).map((e) => ({ value: e.code, label: `${e.name} (${e.code})` })),
    },
  ].filter((g) => g.items.length);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t("board.title")}{tv && under ? `: ${under}` : ""}</Title>
        <Group align="flex-end">
          {tv ? null : (
            <Button
              size="lg"
              variant="outline"
              component={Link}
              to={`/board/tv${under ? `?under=${encodeURIComponent(under)}` : ""}`}
              onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
            >
              {t("board.tvMode")}
            </Button>
          )}
          {tv ? null : (
          <Select
            label={t("board.line")}
            size="lg"
            w={340}
            data={options}
            value={under ?? PLANT}
            onChange={(v) => setParams(v && v !== PLANT ? { under: v } : {})}
            allowDeselect={false}
            searchable
          />
          )}
          <Badge
            size="xl"
            variant="filled"
            color={status.s === "live" ? "green.9" : "orange.9"}
            data-testid="stream-status"
            title={status.error}
          >
            {t(STATUS_KEY[status.s])}
          </Badge>
        </Group>
      </Group>
      {status.s !== "live" && status.error ? (
        <ProblemAlert error={new Error(status.error)} title={t("board.feedInterrupted")} />
      ) : null}
      {!board.loaded ? (
        <Loading label={t("board.connectingFeed")} />
      ) : shown.length === 0 ? (
        <Text size="lg">{t("board.noEquipment")}</Text>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="md" data-testid="machines">
          {shown.map((m) => (
            <MachineTile key={m.equipment_code} m={m} now={now} counts={byCode.get(m.equipment_code)} />
          ))}
        </SimpleGrid>
      )}
      {can(PERM.workorderRead) && !tv ? <WorkOrdersPanel /> : null}
    </Stack>
  );
}
