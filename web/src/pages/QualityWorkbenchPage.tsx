import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useNcrs, useTasks, type Task } from "../api/quality";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDateTime, humanize } from "../lib/format";

function TaskTable({ title, tasks, testId }: { title: string; tasks: Task[]; testId: string }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Title order={3} mb="sm">
        {title} <Badge size="lg">{tasks.length}</Badge>
      </Title>
      {tasks.length === 0 ? (
        <Text c="dimmed">None.</Text>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Task</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th>Where</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>NCR</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tasks.map((t) => (
              <Table.Tr key={t.number} data-testid={`task-${t.number}`}>
                <Table.Td>
                  {t.number} {t.overdue ? <Badge color="red.9">Overdue</Badge> : null}
                </Table.Td>
                <Table.Td>
                  {t.plan} v{t.plan_version} · {humanize(t.kind)}
                </Table.Td>
                <Table.Td>
                  {t.lot_code ? (
                    <Anchor component={Link} to={`/material/lots/${t.lot_code}`}>
                      {t.lot_code}
                    </Anchor>
                  ) : null}{" "}
                  {t.work_order ? `${t.work_order}/${t.operation}` : ""} {t.equipment ?? ""}
                </Table.Td>
                <Table.Td>{formatDateTime(t.due_at)}</Table.Td>
                <Table.Td>
                  {t.ncr ? (
                    <Anchor component={Link} to={`/quality/ncrs/${t.ncr}`}>
                      {t.ncr}
                    </Anchor>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** The quality engineer's overview: what is due or overdue, what failed, incoming lots waiting, open NCRs. */
export function QualityWorkbenchPage() {
  const due = useTasks({ status: "due" });
  const failed = useTasks({ status: "failed" });
  const ncrs = useNcrs("open");
  if (due.isPending || failed.isPending) return <Loading label="Loading inspections…" />;
  if (due.isError) return <ProblemAlert error={due.error} onRetry={() => void due.refetch()} />;
  if (failed.isError) return <ProblemAlert error={failed.error} />;
  const dueTasks = due.data.items;
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Quality workbench</Title>
        <Anchor component={Link} to="/quality/capas" fw={700} data-testid="nav-capas">
          CAPAs (corrective and preventive actions)
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TaskTable title="Due and overdue" tasks={dueTasks.filter((t) => t.kind !== "incoming")} testId="tasks-due" />
        <TaskTable title="Incoming lots waiting" tasks={dueTasks.filter((t) => t.kind === "incoming")} testId="tasks-incoming" />
        <TaskTable title="Failed" tasks={failed.data.items} testId="tasks-failed" />
        <Card withBorder padding="md" data-testid="ncrs-open">
          <Title order={3} mb="sm">
            Open non-conformances <Badge size="lg">{ncrs.data?.total ?? 0}</Badge>
          </Title>
          <Stack gap={4}>
            {(ncrs.data?.items ?? []).map((n) => (
              <Group key={n.number} gap="xs">
                <Anchor component={Link} to={`/quality/ncrs/${n.number}`} fw={700}>
                  {n.number}
                </Anchor>
                <Text size="sm">{n.title}</Text>
              </Group>
            ))}
          </Stack>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
