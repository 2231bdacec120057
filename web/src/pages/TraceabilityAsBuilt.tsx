import { Badge, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useAsBuilt } from "../api/traceability";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDateTime, formatQuantity, humanize } from "../lib/format";

/** How a produced lot or serial was built: each operation planned against as built. */
export function AsBuiltSection({ code }: { code: string }) {
  const record = useAsBuilt(code, true);
  if (record.isPending) return <Loading label={`Reading how ${code} was built…`} />;
  if (record.isError) return <ProblemAlert error={record.error} onRetry={() => void record.refetch()} />;
  const r = record.data;
  return (
    <Card withBorder padding="md" data-testid="as-built">
      <Group justify="space-between">
        <Title order={3}>
          As built: {r.code} by {r.work_order}
        </Title>
        {r.order_status ? <Badge size="lg">{humanize(r.order_status)}</Badge> : null}
      </Group>
      <Table mt="sm" striped verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Operation</Table.Th>
            <Table.Th>Plan</Table.Th>
            <Table.Th>Equipment</Table.Th>
            <Table.Th>Operators</Table.Th>
            <Table.Th>Times</Table.Th>
            <Table.Th>Material</Table.Th>
            <Table.Th>Steps and inspections</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.operations.map((op) => (
            <Table.Tr key={op.key} data-testid={`as-built-op-${op.key}`}>
              <Table.Td>
                <Text fw={600}>
                  {op.key} {op.name}
                </Text>
                <Text size="sm">{humanize(op.state)}</Text>
              </Table.Td>
              <Table.Td>
                {op.planned ? <Text size="sm">Planned at {op.work_center}</Text> : <Badge color="orange.9">Inserted</Badge>}
                {op.rework ? <Badge color="orange.9">Rework</Badge> : null}
              </Table.Td>
              <Table.Td>
                {op.equipment ?? "—"}
                {op.completed_on ? <Text size="sm">completed on {op.completed_on}</Text> : null}
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
                      {m.basis === "per_unit" ? " (this unit)" : ""}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  {op.steps.map((s) => (
                    <Text size="sm" key={`${s.step}-${s.at}`}>
                      {s.title}: {s.value ?? "confirmed"} {s.unit ?? ""}
                    </Text>
                  ))}
                  {op.inspections.map((i) => (
                    <Text size="sm" key={i.task}>
                      Inspection {i.task}: {humanize(i.verdict ?? "recorded")}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {r.inspections.length > 0 ? (
        <Text mt="sm">Inspections of {r.code}: {r.inspections.map((i) => `${i.task} ${humanize(i.verdict ?? "recorded")}`).join(", ")}</Text>
      ) : null}
      <Title order={4} mt="md">
        Deviations
      </Title>
      {r.deviations.length === 0 ? (
        <Text data-testid="as-built-deviations">None: built as planned.</Text>
      ) : (
        <Stack gap={2} data-testid="as-built-deviations">
          {r.deviations.map((d, n) => (
            <Text key={n}>{d.detail}</Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}
