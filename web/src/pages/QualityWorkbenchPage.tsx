import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useNcrs, useTasks, type Task } from "../api/quality";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { codeLabel } from "../i18n";
import { formatDateTime } from "../lib/format";
import { useTranslation } from "react-i18next";

function TaskTable({ title, tasks, testId }: { title: string; tasks: Task[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Title order={3} mb="sm">
        {title} <Badge size="lg">{tasks.length}</Badge>
      </Title>
      {tasks.length === 0 ? (
        <Text c="dimmed">{t("quality.workbench.none")}</Text>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("quality.workbench.task")}</Table.Th>
              <Table.Th>{t("quality.workbench.plan")}</Table.Th>
              <Table.Th>{t("quality.workbench.where")}</Table.Th>
              <Table.Th>{t("inspection.dueBadge")}</Table.Th>
              <Table.Th>{t("quality.workbench.ncr")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tasks.map((task) => (
              <Table.Tr key={task.number} data-testid={`task-${task.number}`}>
                <Table.Td>
                  {task.number} {task.overdue ? <Badge color="red.9">{t("inspection.overdue")}</Badge> : null}
                </Table.Td>
                <Table.Td>
                  {t("quality.workbench.planVersion", { plan: task.plan, version: task.plan_version })} · {codeLabel("inspectionKind", task.kind)}
                </Table.Td>
                <Table.Td>
                  {task.lot_code ? (
                    <Anchor component={Link} to={`/material/lots/${task.lot_code}`}>
                      {task.lot_code}
                    </Anchor>
                  ) : null}{" "}
                  {task.work_order ? `${task.work_order}/${task.operation}` : ""} {task.equipment ?? ""}
                </Table.Td>
                <Table.Td>{formatDateTime(task.due_at)}</Table.Td>
                <Table.Td>
                  {task.ncr ? (
                    <Anchor component={Link} to={`/quality/ncrs/${task.ncr}`}>
                      {task.ncr}
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
  const { t } = useTranslation();
  const due = useTasks({ status: "due" });
  const failed = useTasks({ status: "failed" });
  const ncrs = useNcrs("open");
  if (due.isPending || failed.isPending) return <Loading label={t("quality.workbench.loading")} />;
  if (due.isError) return <ProblemAlert error={due.error} onRetry={() => void due.refetch()} />;
  if (failed.isError) return <ProblemAlert error={failed.error} />;
  const dueTasks = due.data.items;
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{t("quality.workbench.title")}</Title>
        <Anchor component={Link} to="/quality/capas" fw={700} data-testid="nav-capas">
          {t("quality.workbench.capas")}
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TaskTable title={t("quality.workbench.due")} tasks={dueTasks.filter((task) => task.kind !== "incoming")} testId="tasks-due" />
        <TaskTable title={t("quality.workbench.incoming")} tasks={dueTasks.filter((task) => task.kind === "incoming")} testId="tasks-incoming" />
        <TaskTable title={t("quality.workbench.failed")} tasks={failed.data.items} testId="tasks-failed" />
        <Card withBorder padding="md" data-testid="ncrs-open">
          <Title order={3} mb="sm">
            {t("quality.workbench.openNcrs")} <Badge size="lg">{ncrs.data?.total ?? 0}</Badge>
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
