import { Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Operation } from "../../api/workOrders";
import { useSession } from "../../auth/useSession";
import { newKey } from "../../lib/commandQueue";
import { formatDuration } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { opPath, useStationCommand } from "../../lib/useStationCommand";
import { ProblemAlert } from "../ProblemAlert";

/** Who is clocked in on the operation, and joining or leaving it from the station. */
export function LabourBox({ number, op, canAct }: { number: string; op: Operation; canAct: boolean }) {
  const { t } = useTranslation();
  const { claims } = useSession();
  const now = useNow(30_000);
  const command = useStationCommand();
  const open = op.labour.filter((c) => c.clock_out === null);
  const me = claims?.sub ?? "";
  const clockedIn = open.some((c) => c.operator === me);
  // one key per shown button: a double tap joins once
  const key = useMemo(newKey, [clockedIn, op.key]);
  const act = (kind: "join" | "leave") =>
    void command
      .run({ key, kind, path: opPath(number, op.key, kind), body: {}, label: kind === "join" ? t("station.clockInCmd") : t("station.clockOutCmd"), workOrder: number, operation: op.key })
      .catch(() => undefined);
  return (
    <Card withBorder padding="md" data-testid="labour">
      <Stack gap="sm">
        <Title order={4}>{t("station.clockedIn")}</Title>
        {open.length ? (
          <Group gap="xs">
            {open.map((c) => (
              <Badge key={c.operator + c.clock_in} size="xl" color="dark.6" variant="filled" data-testid="clocked-in">
                {c.operator} · {formatDuration(now - new Date(c.clock_in).getTime())}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text c="gray.8">{t("station.nobody")}</Text>
        )}
        {command.error ? <ProblemAlert error={command.error} /> : null}
        {canAct && (op.status === "in_progress" || op.status === "paused") ? (
          <Group>
            {clockedIn ? (
              <Button size="xl" h={60} variant="outline" color="dark" loading={command.busy} onClick={() => act("leave")}>
                {t("station.clockOut", { me })}
              </Button>
            ) : (
              <Button size="xl" h={60} color="dark.6" loading={command.busy} onClick={() => act("join")}>
                {t("station.clockIn", { me })}
              </Button>
            )}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
