import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { downloadRecall, useHoldAll, useRecall } from "../api/traceability";
import { PERM } from "../auth/permissions";
import { useSession } from "../auth/useSession";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { codeLabel } from "../i18n";
import { formatDateTime, formatQuantity, lotStatusColor } from "../lib/format";

const WHERE_COLOR: Record<string, string> = { in_stock: "red.9", consumed: "gray.7", scrapped: "gray.7", unknown: "yellow.8" };

export function TraceabilityRecallPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const { can } = useSession();
  const recall = useRecall(id);
  const holdAll = useHoldAll(id ?? "");
  const [failure, setFailure] = useState<unknown>(null);

  if (recall.isPending) return <Loading label={t("trace.recall.loading")} />;
  if (recall.isError) return <ProblemAlert error={recall.error} size="xl" onRetry={() => void recall.refetch()} />;
  const r = recall.data;
  const toHold = r.affected.filter((a) => a.where === "in_stock" && a.status !== "on_hold").length;
  const exportAs = (format: "csv" | "xlsx") => downloadRecall(r.id, format).catch(setFailure);

  return (
    <Stack gap="lg" maw={1400}>
      <Card withBorder padding="lg">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="gray.7" fw={600} tt="uppercase">
              {t("trace.recall.recall")}
            </Text>
            <Title order={2} data-testid="recall-lot">
              {t("trace.recall.lot")} <Link to={`/traceability/${encodeURIComponent(r.lot)}?direction=forward`}>{r.lot}</Link>
            </Title>
            <Text size="lg" mt={4}>
              {r.reason}
            </Text>
            <Text c="gray.7" size="sm">
              {t("trace.recall.startedBy", { user: r.created_by, at: formatDateTime(r.created_at) })}
            </Text>
          </div>
          <Stack gap={4} align="flex-end">
            <Text fw={700} size="xl" data-testid="recall-in-stock">
              {t("trace.recall.inStock", { inStock: r.in_stock, count: r.affected.length })}
            </Text>
            <Text fw={600} c={r.total_difference === "0" ? "green.9" : "red.9"} data-testid="recall-difference">
              {t("trace.recall.difference", { difference: r.total_difference })}
            </Text>
          </Stack>
        </Group>
        <Group mt="lg">
          {can(PERM.lotHold) ? (
            <Button
              size="lg"
              color="red.9"
              disabled={toHold === 0}
              loading={holdAll.isPending}
              onClick={() =>
                holdAll.mutate(undefined, {
                  onSuccess: (result) =>
                    notifications.show({
                      color: "red.9",
                      title: t("trace.recall.holdTitle"),
                      message: t("trace.recall.held", { count: result.held }),
                    }),
                })
              }
            >
              {t("trace.recall.holdAll", { count: toHold })}
            </Button>
          ) : null}
          <Button size="lg" variant="default" onClick={() => void exportAs("csv")}>
            {t("trace.recall.export", { format: "CSV" })}
          </Button>
          <Button size="lg" variant="default" onClick={() => void exportAs("xlsx")}>
            {t("trace.recall.export", { format: "XLSX" })}
          </Button>
        </Group>
        {holdAll.isError ? <ProblemAlert error={holdAll.error} /> : null}
        {failure ? <ProblemAlert error={failure} /> : null}
        {holdAll.data ? (
          <Alert color="red" variant="light" mt="md" title={t("trace.recall.holdResult")} data-testid="hold-result">
            {holdAll.data.outcomes.map((o) => `${o.lot}: ${codeLabel("holdOutcome", o.outcome)}`).join(" · ")}
          </Alert>
        ) : null}
      </Card>
      <Text c="gray.7">
        {t("trace.recall.balance")}
      </Text>
      <Table.ScrollContainer minWidth={1300}>
        <Table striped highlightOnHover verticalSpacing="sm" fz="md" data-testid="recall-lots">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("trace.recall.colLot")}</Table.Th>
              <Table.Th>{t("trace.recall.colItem")}</Table.Th>
              <Table.Th style={{ whiteSpace: "nowrap" }}>{t("trace.recall.colWhere")}</Table.Th>
              <Table.Th>{t("trace.recall.colStatus")}</Table.Th>
              <Table.Th>{t("trace.recall.colLocation")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colReceived")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colConsumed")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colTransferred")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colScrapped")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colAdjusted")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colOnHand")}</Table.Th>
              <Table.Th ta="right">{t("trace.recall.colDifference")}</Table.Th>
              <Table.Th>{t("trace.recall.colHold")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.affected.map((a) => (
              <Table.Tr key={a.code} data-testid={`recall-row-${a.code}`}>
                <Table.Td fw={700} style={{ whiteSpace: "nowrap" }}>
                  <Link to={`/material/lots/${encodeURIComponent(a.code)}`}>{a.code}</Link>
                </Table.Td>
                <Table.Td>{a.item}</Table.Td>
                <Table.Td>
                  <Text fw={700} c={WHERE_COLOR[a.where]} style={{ whiteSpace: "nowrap" }}>
                    {codeLabel("recallWhere", a.where)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    color={lotStatusColor(a.status)}
                    variant="filled"
                    data-testid="recall-status"
                    styles={{ root: { overflow: "visible" }, label: { overflow: "visible" } }}
                  >
                    {codeLabel("lotStatus", a.status)}
                  </Badge>
                </Table.Td>
                <Table.Td>{a.location ?? "—"}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.received, a.uom)}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.consumed, a.uom)}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.transferred, a.uom)}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.scrapped, a.uom)}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.adjusted, a.uom)}</Table.Td>
                <Table.Td ta="right">{formatQuantity(a.balance.on_hand, a.uom)}</Table.Td>
                <Table.Td ta="right" fw={700} c={a.balance.difference === "0" ? undefined : "red.9"}>
                  {formatQuantity(a.balance.difference, a.uom)}
                </Table.Td>
                <Table.Td>{a.hold ? codeLabel("holdOutcome", a.hold) : "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
