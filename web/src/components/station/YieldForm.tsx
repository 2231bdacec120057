import { Autocomplete, Button, Card, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { newKey } from "../../lib/commandQueue";
import { formatQuantity } from "../../lib/format";
import { parseQuantity, validateYield, type ScrapLine } from "../../lib/forms";
import { opPath, useStationCommand } from "../../lib/useStationCommand";
import { ProblemAlert } from "../ProblemAlert";

// scrap reasons offered, as catalogue keys: offered in the operator's language
const SCRAP_REASONS = ["shortShot", "flash", "sinkMarks", "dimensions", "damaged", "contaminated"];

/**
 * Good and scrap for a running operation. One report is one user action with one
 * Idempotency-Key: a double tap or a retry sends the same key (booked once); changing what is
 * typed makes it another report. Offline, the report waits in the station's queue.
 */
export function YieldForm({
  number,
  opKey,
  uom,
  decimals,
}: {
  number: string;
  opKey: string;
  uom: string;
  decimals: number;
}) {
  const { t } = useTranslation();
  const [good, setGood] = useState("");
  const [scrap, setScrap] = useState<ScrapLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const key = useRef(newKey());
  const command = useStationCommand();
  const edit = () => {
    key.current = newKey(); // another report
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const opts = { decimals, uom };
    const problem = validateYield(good, scrap, opts);
    setError(problem);
    if (problem) return;
    const g = good.trim() ? (parseQuantity(good, opts).value ?? "0") : "0";
    const lines = scrap.map((s) => ({ quantity: parseQuantity(s.quantity, opts).value ?? s.quantity, reason: s.reason.trim() }));
    const parts = [g !== "0" ? t("station.partGood", { qty: formatQuantity(g, uom, undefined, decimals) }) : "", ...lines.map((l) => t("station.partScrap", { qty: formatQuantity(l.quantity, uom, undefined, decimals), reason: l.reason }))];
    try {
      const result = await command.run({
        key: key.current,
        kind: "yield",
        path: opPath(number, opKey, "yield"),
        body: { good: g, scrap: lines },
        label: t("station.reportCmd", { parts: parts.filter(Boolean).join(", ") }),
        workOrder: number,
        operation: opKey,
      });
      setGood("");
      setScrap([]);
      edit();
      notifications.show(
        result.queued
          ? { color: "orange.9", title: t("station.savedOffline"), message: t("station.savedOfflineMsg") }
          : { color: "green.9", title: t("station.reported"), message: t("station.reportedMsg") },
      );
    } catch {
      // shown by the alert; the same report may be sent again with its key
    }
  };

  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>{t("station.reportTitle", { uom })}</Title>
          {command.error ? <ProblemAlert error={command.error} /> : null}
          <TextInput
            label={t("station.good")}
            size="xl"
            w={240}
            inputMode={decimals === 0 ? "numeric" : "decimal"}
            rightSection={<Text c="gray.8">{uom}</Text>}
            rightSectionWidth={64}
            value={good}
            onChange={(e) => {
              setGood(e.currentTarget.value);
              edit();
            }}
          />
          {scrap.map((line, i) => (
            <Group key={i} align="flex-end" wrap="nowrap">
              <TextInput
                label={t("station.scrapN", { n: i + 1 })}
                size="xl"
                w={160}
                inputMode={decimals === 0 ? "numeric" : "decimal"}
                value={line.quantity}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setScrap((s) => s.map((x, j) => (j === i ? { ...x, quantity: v } : x)));
                  edit();
                }}
              />
              <Autocomplete
                label={t("dialog.reason")}
                size="xl"
                style={{ flex: 1 }}
                data={SCRAP_REASONS.map((r) => t(`station.scrapReasons.${r}`))}
                value={line.reason}
                onChange={(v) => {
                  setScrap((s) => s.map((x, j) => (j === i ? { ...x, reason: v } : x)));
                  edit();
                }}
              />
              <Button
                size="xl"
                variant="default"
                onClick={() => {
                  setScrap((s) => s.filter((_, j) => j !== i));
                  edit();
                }}
              >
                {t("station.remove")}
              </Button>
            </Group>
          ))}
          {error ? (
            <Text c="red.9" fw={700} size="lg" role="alert">
              {error}
            </Text>
          ) : null}
          <Group>
            <Button
              size="xl"
              variant="default"
              onClick={() => {
                setScrap((s) => [...s, { quantity: "", reason: "" }]);
                edit();
              }}
            >
              {t("station.addScrap")}
            </Button>
            <Button size="xl" type="submit" loading={command.busy}>
              {t("station.report")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
