import { Autocomplete, Button, Card, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { type OpAction } from "../../api/workOrders";
import { ProblemAlert } from "../ProblemAlert";
import { parseDecimal, validateYield, type ScrapLine } from "../../lib/forms";

const SCRAP_REASONS = ["Short shot", "Flash", "Sink marks", "Dimensions out of tolerance", "Damaged", "Contaminated"];

export function YieldForm({ run, busy }: { run: (a: OpAction) => Promise<unknown>; busy: boolean }) {
  const [good, setGood] = useState("");
  const [scrap, setScrap] = useState<ScrapLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = validateYield(good, scrap);
    setError(problem);
    if (problem) return;
    setFailure(null);
    try {
      await run({
        action: "yield",
        good: parseDecimal(good || "0") ?? "0",
        scrap: scrap.map((s) => ({ quantity: parseDecimal(s.quantity) ?? s.quantity, reason: s.reason.trim() })),
      });
      setGood("");
      setScrap([]);
      notifications.show({ color: "green.9", title: "Reported", message: "Good and scrap recorded." });
    } catch (err) {
      setFailure(err);
    }
  };

  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>Report good and scrap</Title>
          {failure ? <ProblemAlert error={failure} /> : null}
          <TextInput
            label="Good"
            size="xl"
            w={240}
            inputMode="decimal"
            value={good}
            onChange={(e) => setGood(e.currentTarget.value)}
          />
          {scrap.map((line, i) => (
            <Group key={i} align="flex-end" wrap="nowrap">
              <TextInput
                label={`Scrap ${i + 1}`}
                size="xl"
                w={160}
                inputMode="decimal"
                value={line.quantity}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setScrap((s) => s.map((x, j) => (j === i ? { ...x, quantity: v } : x)));
                }}
              />
              <Autocomplete
                label="Reason"
                size="xl"
                style={{ flex: 1 }}
                data={SCRAP_REASONS}
                value={line.reason}
                onChange={(v) => setScrap((s) => s.map((x, j) => (j === i ? { ...x, reason: v } : x)))}
              />
              <Button size="xl" variant="default" onClick={() => setScrap((s) => s.filter((_, j) => j !== i))}>
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
            <Button size="xl" variant="default" onClick={() => setScrap((s) => [...s, { quantity: "", reason: "" }])}>
              Add scrap
            </Button>
            <Button size="xl" type="submit" loading={busy}>
              Report
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
