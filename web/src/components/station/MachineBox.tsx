import { Badge, Button, Card, Group, Modal, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { newKey } from "../../lib/commandQueue";
import { codeLabel } from "../../i18n";
import { formatDuration } from "../../lib/format";
import { useEquipmentState, useSiteReasons } from "../../lib/stationData";
import { useNow } from "../../lib/useNow";
import { useStationCommand } from "../../lib/useStationCommand";
import { ProblemAlert } from "../ProblemAlert";

const STATE_COLOR: Record<string, string> = {
  running: "green.9",
  idle: "yellow.9",
  setup: "blue.9",
  planned_stop: "gray.7",
  down: "red.9",
  maintenance: "violet.9",
  offline: "dark.6",
};

/**
 * The machine's state, an andon call (the machine is reported down now, with the reason from the
 * site's reason tree) and "running again", from the station.
 */
export function MachineBox({ equipment }: { equipment: string }) {
  const { t } = useTranslation();
  const state = useEquipmentState(equipment);
  const reasons = useSiteReasons(state.data?.path);
  const now = useNow(30_000);
  const command = useStationCommand();
  const [calling, setCalling] = useState<{ key: string } | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [comment, setComment] = useState("");
  const [runningKey, setRunningKey] = useState(newKey);
  const current = state.data?.state ?? null;
  const path = `/api/v1/resource/equipment/${encodeURIComponent(equipment)}/state`;

  const call = async () => {
    if (!calling || !reason) return;
    try {
      await command.run({
        key: calling.key,
        kind: "state",
        path,
        body: { state: "down", reason_code: reason, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        label: t("station.andonCmd", { equipment }),
      });
      setCalling(null);
      setReasonAndComment();
      setRunningKey(newKey());
    } catch {
      // shown in the dialog
    }
  };
  const setReasonAndComment = () => {
    setReason(null);
    setComment("");
  };
  const running = () =>
    void command
      .run({ key: runningKey, kind: "state", path, body: { state: "running" }, label: t("station.runningAgainCmd", { equipment }) })
      .then(() => setRunningKey(newKey()))
      .catch(() => undefined);

  const currentLabel = current ? codeLabel("equipmentState", current) : null;
  return (
    <Card withBorder padding="md" data-testid="machine">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t("station.machine", { equipment })}</Title>
          <Badge size="xl" color={current ? (STATE_COLOR[current] ?? "gray.7") : "gray.7"} variant="filled" data-testid="machine-state">
            {currentLabel ?? t("station.noStateYet")}
          </Badge>
        </Group>
        {state.data?.since ? (
          <Text size="lg">
            {t("station.for", { duration: formatDuration(now - new Date(state.data.since).getTime()) })}
            {state.data.reason_code ? ` · ${t("station.reasonCode", { code: state.data.reason_code })}` : ""}
          </Text>
        ) : null}
        {command.error && !calling ? <ProblemAlert error={command.error} /> : null}
        <Group>
          <Button size="xl" h={60} color="red.9" onClick={() => setCalling({ key: newKey() })} data-testid="andon">
            {t("station.andon")}
          </Button>
          {current === "down" ? (
            <Button size="xl" h={60} color="green.9" loading={command.busy} onClick={running}>
              {t("station.runningAgain")}
            </Button>
          ) : null}
        </Group>
      </Stack>
      <Modal opened={!!calling} onClose={() => setCalling(null)} title={t("station.andonTitle", { equipment })} size="lg" centered>
        <Stack>
          {command.error ? <ProblemAlert error={command.error} /> : null}
          <Select
            label={t("station.downReason")}
            size="xl"
            searchable
            data={(reasons.data ?? []).map((r) => ({ value: r.code, label: `${r.name} (${r.code})` }))}
            value={reason}
            onChange={setReason}
            placeholder={reasons.isPending ? t("station.loading") : t("station.choose")}
          />
          <Textarea label={t("station.whatHappened")} size="lg" value={comment} onChange={(e) => setComment(e.currentTarget.value)} maxLength={2000} />
          <Group justify="flex-end">
            <Button size="xl" variant="default" onClick={() => setCalling(null)}>
              {t("station.notNow")}
            </Button>
            <Button size="xl" color="red.9" disabled={!reason} loading={command.busy} onClick={() => void call()}>
              {t("station.callAndon")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
