import { Badge, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useAsBuilt } from "../api/traceability";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { codeLabel } from "../i18n";
import { formatDateTime, formatQuantity } from "../lib/format";

/** How a produced lot or serial was built: each operation planned against as built. */
export function AsBuiltSection({ code }: { code: string }) {
  const { t } = useTranslation();
  const record = useAsBuilt(code, true);
  if (record.isPending) return <Loading label={t("trace.asBuilt.loading", { code })} />;
  if (record.isError) return <ProblemAlert error={record.error} onRetry={() => void record.refetch()} />;
  const r = record.data;
  return (
    <Card withBorder padding="md" data-testid="as-built">
      <Group justify="space-between">
        <Title order={3}>{t("trace.asBuilt.title", { code: r.code, order: r.work_order })}</Title>
        {r.order_status ? <Badge size="lg">{codeLabel("orderStatus", r.order_status)}</Badge> : null}
      </Group>
      <Table mt="sm" striped verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("trace.asBuilt.operation")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.plan")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.equipment")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.operators")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.times")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.material")}</Table.Th>
            <Table.Th>{t("trace.asBuilt.steps")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.operations.map((op) => (
            <Table.Tr key={op.key} data-testid={`as-built-op-${op.key}`}>
              <Table.Td>
                <Text fw={600}>
                  {op.key} {op.name}
                </Text>
                <Text size="sm">{codeLabel("asBuiltState", op.state)}</Text>
              </Table.Td>
              <Table.Td>
                {op.planned ? (
                  <Text size="sm">{t("trace.asBuilt.plannedAt", { workCenter: op.work_center ?? "—" })}</Text>
                ) : (
                  <Badge color="orange.9">{codeLabel("opOrigin", "inserted")}</Badge>
                )}
                {op.rework ? <Badge color="orange.9">{codeLabel("opOrigin", "rework")}</Badge> : null}
              </Table.Td>
              <Table.Td>
                {op.equipment ?? "—"}
                {op.completed_on ? <Text size="sm">{t("trace.asBuilt.completedOn", { equipment: op.completed_on })}</Text> : null}
              </Table.Td>
              <Table.Td>{op.operators.join(", ") || "—"}</Table.Td>
              <Table.Td>
                <Text size="sm">{op.started_at ? formatDateTime(op.started_at) : "—"}</Text>
                <Text size="sm">{op.completed_at ? formatDateTime(op.completed_at) : ""}</Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  {op.material.map((m) => (
                    <Text size="sm" key={m.lot} data-testid="as-built-material">
                      {m.lot} · {m.quantity ? formatQuantity(m.quantity, m.uom) : "—"}
                      {m.basis === "per_unit" ? ` ${t("trace.asBuilt.thisUnit")}` : ""}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  {op.steps.map((s) => (
                    <Text size="sm" key={`${s.step}-${s.at}`}>
                      {s.title}: {s.value ?? t("trace.asBuilt.confirmed")} {s.unit ?? ""}
                    </Text>
                  ))}
                  {op.inspections.map((i) => (
                    <Text size="sm" key={i.task}>
                      {t("trace.asBuilt.inspection", { task: i.task, verdict: codeLabel("inspectionVerdict", i.verdict ?? "recorded") })}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {r.inspections.length > 0 ? (
        <Text mt="sm">
          {t("trace.asBuilt.inspectionsOf", {
            code: r.code,
            list: r.inspections.map((i) => `${i.task} ${codeLabel("inspectionVerdict", i.verdict ?? "recorded")}`).join(", "),
          })}
        </Text>
      ) : null}
      <Title order={4} mt="md">
        {t("trace.asBuilt.deviations")}
      </Title>
      {r.deviations.length === 0 ? (
        <Text data-testid="as-built-deviations">{t("trace.asBuilt.noDeviations")}</Text>
      ) : (
        <Stack gap={2} data-testid="as-built-deviations">
          {r.deviations.map((d, n) => (
            <Text key={n}>
              <Text span fw={600}>
                {codeLabel("asBuiltDeviation", d.kind)}:
              </Text>{" "}
              {d.detail}
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}
