import { Autocomplete, Button, Card, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useRef, useState, type FormEvent } from "react";
import { newKey } from "../../lib/commandQueue";
import { formatQuantity } from "../../lib/format";
import { parseQuantity, validateYield, type ScrapLine } from "../../lib/forms";
import { opPath, useStationCommand } from "../../lib/useStationCommand";
import { ProblemAlert } from "../ProblemAlert";

const SCRAP_REASONS = ["Short shot", "Flash", "Sink marks", "Dimensions out of tolerance", "Damaged", "Contaminated"];

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
    const parts = [g !== "0" ? `${formatQuantity(g, uom, undefined, decimals)} good` : "", ...lines.map((l) => `${formatQuantity(l.quantity, uom, undefined, decimals)} scrap (${l.reason})`)];
    try {
      const result = await command.run({
        key: key.current,
        kind: "yield",
        path: opPath(number, opKey, "yield"),
        body: { good: g, scrap: lines },
        label: `Report ${parts.filter(Boolean).join(", ")}`,
        workOrder: number,
        operation: opKey,
      });
      setGood("");
      setScrap([]);
      edit();
      notifications.show(
        result.queued
          ? { color: "orange.9", title: "Saved offline", message: "The report waits for the network; you can cancel it until then." }
          : { color: "green.9", title: "Reported", message: "Good and scrap recorded." },
      );
    } catch {
      // shown by the alert; the same report may be sent again with its key
    }
  };

  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>Report good and scrap ({uom})</Title>
          {command.error ? <ProblemAlert error={command.error} /> : null}
          <TextInput
            label="Good"
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
                label={`Scrap ${i + 1}`}
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
                label="Reason"
                size="xl"
                style={{ flex: 1 }}
                data={SCRAP_REASONS}
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
                Remove
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
              Add scrap
            </Button>
            <Button size="xl" type="submit" loading={command.busy}>
              Report
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
