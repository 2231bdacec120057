import { Alert, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useEffect, useRef, useState } from "react";
import { useGauges, useRecordResults, useTasks, type Characteristic, type ResultIn, type Task, type Verdict } from "../../api/quality";
import { newKey } from "../../lib/commandQueue";
import { ProblemAlert } from "../ProblemAlert";

const KEYS = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "-", "0", "."];

/** A number pad for gloved hands: big keys, the value shown large, with its unit and limits. */
function NumberPad({ c, value, onChange }: { c: Characteristic; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const limits = [c.lsl, c.usl].some((x) => x != null) ? `${c.lsl ?? "−∞"} … ${c.usl ?? "+∞"} ${c.unit ?? ""}` : "";
  return (
    <Stack gap={6}>
      <Text fw={700} size="lg">
        {c.name} <Text span c="dimmed">({limits})</Text>
      </Text>
      <TextInput
        size="xl"
        aria-label={t("inspection.value", { name: c.name })}
        data-testid={`value-${c.code}`}
        value={value}
        inputMode="decimal"
        onChange={(e) => onChange(e.currentTarget.value)}
        rightSection={<Text c="dimmed">{c.unit}</Text>}
      />
      <SimpleGrid cols={3} spacing={6}>
        {KEYS.map((k) => (
          <Button key={k} size="xl" variant="default" onClick={() => onChange(value + k)} aria-label={t("inspection.key", { key: k })}>
            {k}
          </Button>
        ))}
      </SimpleGrid>
      <Button size="lg" variant="light" color="gray" onClick={() => onChange(value.slice(0, -1))}>
        {t("inspection.delete")}
      </Button>
    </Stack>
  );
}

function PassFail({ c, value, onChange }: { c: Characteristic; value: boolean | null; onChange: (v: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6}>
      <Text fw={700} size="lg">
        {c.name}
      </Text>
      <Group grow>
        <Button size="xl" color="green.9" variant={value === true ? "filled" : "outline"} onClick={() => onChange(true)}>
          {t("inspection.pass")}
        </Button>
        <Button size="xl" color="red.9" variant={value === false ? "filled" : "outline"} onClick={() => onChange(false)}>
          {t("inspection.fail")}
        </Button>
      </Group>
    </Stack>
  );
}

function TaskEntry({ task, equipment }: { task: Task; equipment: string | null }) {
  const { t } = useTranslation();
  const gauges = useGauges();
  const record = useRecordResults(task.number);
  const [values, setValues] = useState<Record<string, string>>({});
  const [passed, setPassed] = useState<Record<string, boolean | null>>({});
  const [gauge, setGauge] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const needsGauge = task.characteristics.some((c) => c.kind === "variable" && c.gauge_required);
  // one Idempotency-Key per recording: a double tap or a retry of the same results sends it
  // again (recorded once); changing a value, a pass/fail or the gauge makes another recording
  const key = useRef(newKey());
  const edit = () => {
    key.current = newKey();
  };

  const submit = () => {
    const results: ResultIn[] = task.characteristics.map((c) =>
      c.kind === "variable"
        ? { characteristic: c.code, values: [Number(values[c.code])] }
        : c.kind === "attribute"
          ? { characteristic: c.code, passed: passed[c.code] ?? undefined }
          : { characteristic: c.code, defects: {} },
    );
    record.mutate(
      { body: { results, gauge: gauge ?? undefined, equipment: equipment ?? undefined }, key: key.current },
      { onSuccess: (v) => setVerdict(v) },
    );
  };

  if (verdict) {
    const ok = verdict.verdict === "passed";
    return (
      <Alert color={ok ? "green.9" : "red.9"} variant="filled" data-testid="inspection-verdict">
        <Title order={1} c="white" fz={56}>
          {ok ? t("inspection.passed") : t("inspection.failed")}
        </Title>
        <Text c="white" size="xl" fw={600}>
          {task.number}: {verdict.results.map((r) => `${r.characteristic} ${r.values.join(", ")}`).join(" · ")}
          {verdict.ncr ? ` — ${t("inspection.ncrOpened", { ncr: verdict.ncr })}` : ""}
        </Text>
      </Alert>
    );
  }
  return (
    <Card withBorder padding="lg" data-testid={`inspection-${task.number}`}>
      <Group justify="space-between" mb="sm">
        <Title order={3}>
          {t("inspection.due", { plan: task.plan, number: task.number })}
        </Title>
        {task.overdue ? <Badge color="red.9" size="xl">{t("inspection.overdue")}</Badge> : <Badge size="xl">{t("inspection.dueBadge")}</Badge>}
      </Group>
      <Stack gap="lg">
        {needsGauge ? (
          <Select
            size="xl"
            label={t("inspection.gauge")}
            data={(gauges.data ?? []).map((g) => ({ value: g.code, label: `${g.name} (${g.code})${g.overdue ? ` — ${t("inspection.calibrationOverdue")}` : ""}` }))}
            value={gauge}
            onChange={(g) => {
              edit();
              setGauge(g);
            }}
          />
        ) : null}
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {task.characteristics.map((c) =>
            c.kind === "variable" ? (
              <NumberPad key={c.code} c={c} value={values[c.code] ?? ""} onChange={(v) => {
                  edit();
                  setValues({ ...values, [c.code]: v });
                }} />
            ) : (
              <PassFail key={c.code} c={c} value={passed[c.code] ?? null} onChange={(v) => {
                  edit();
                  setPassed({ ...passed, [c.code]: v });
                }} />
            ),
          )}
        </SimpleGrid>
        {record.isError ? <ProblemAlert error={record.error} size="xl" /> : null}
        <Button size="xl" onClick={submit} loading={record.isPending}>
          {t("inspection.record")}
        </Button>
      </Stack>
    </Card>
  );
}

/** The inspections quality expects for the running operation, as data-entry steps; a recorded
 * one stays on screen with its verdict. */
export function DueInspections({ workOrder, operation, equipment }: { workOrder: string; operation: string; equipment: string | null }) {
  const tasks = useTasks({ status: "due", work_order: workOrder, operation });
  const [kept, setKept] = useState<Task[]>([]);
  useEffect(() => {
    const items = tasks.data?.items ?? [];
    setKept((prev) => [...prev, ...items.filter((t) => !prev.some((p) => p.number === t.number))]);
  }, [tasks.data]);
  if (tasks.isError) return <ProblemAlert error={tasks.error} />;
  if (!kept.length) return null;
  return (
    <Stack gap="md" data-testid="due-inspections">
      {kept.map((t) => (
        <TaskEntry key={t.number} task={t} equipment={equipment} />
      ))}
    </Stack>
  );
}
