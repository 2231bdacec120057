import { Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Entry, EntryStatus } from "../../lib/commandQueue";
import { formatDateTime } from "../../lib/format";
import { stationQueue, useStationCommands } from "../../lib/stationCommands";

// the label is station.pending.status.<status>
const STATUS: Record<EntryStatus, { color: string }> = {
  pending: { color: "orange.9" },
  sending: { color: "blue.9" },
  accepted: { color: "green.9" },
  refused: { color: "red.9" },
  cancelled: { color: "gray.7" },
};

function Row({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const s = STATUS[entry.status];
  return (
    <Card withBorder padding="sm" data-testid="queued-command" data-status={entry.status}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div>
          <Text fw={700} size="lg">
            {entry.label}
          </Text>
          <Text size="sm" c="gray.8">
            {entry.workOrder ? `${entry.workOrder} · ${entry.operation} · ` : ""}
            {t("station.pending.made", { time: formatDateTime(entry.createdAt, { seconds: true }) })}
          </Text>
          {entry.status === "refused" ? (
            <Text c="red.9" fw={700} data-testid="queued-refusal">
              {entry.detail}
            </Text>
          ) : null}
        </div>
        <Group gap="xs" wrap="nowrap">
          <Badge size="lg" color={s.color} variant="filled" data-testid="queued-status">
            {t(`station.pending.status.${entry.status}`)}
          </Badge>
          {entry.status === "pending" ? (
            <Button size="lg" h={48} color="red.9" variant="outline" onClick={() => stationQueue.cancel(entry.key)}>
              {t("station.pending.cancel")}
            </Button>
          ) : entry.status !== "sending" ? (
            <Button size="lg" h={48} variant="default" onClick={() => stationQueue.dismiss(entry.key)}>
              {t("station.pending.dismiss")}
            </Button>
          ) : null}
        </Group>
      </Group>
    </Card>
  );
}

/** What was done offline: waiting, cancelled, or answered by the server (booked, or refused and why). */
export function PendingCommands() {
  const { t } = useTranslation();
  const entries = useStationCommands();
  if (!entries.length) return null;
  return (
    <Stack gap="xs" data-testid="pending-commands">
      <Title order={4}>{t("station.pending.title")}</Title>
      {entries.map((e) => (
        <Row key={e.key} entry={e} />
      ))}
    </Stack>
  );
}
