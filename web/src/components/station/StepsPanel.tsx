import { Alert, Badge, Button, Card, Group, Image, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, call } from "../../api/client";
import { ApiError, toProblem } from "../../api/problem";
import { session } from "../../auth/session";
import { ProblemAlert } from "../ProblemAlert";
import { StepsField, limitsText, type Step, type StepValue } from "./StepsField";

const stepKeys = { op: (number: string, key: string) => ["workorders", "steps", number, key] as const };

export function useSteps(number: string, opKey: string) {
  return useQuery({
    queryKey: stepKeys.op(number, opKey),
    queryFn: () =>
      call(
        api.GET("/api/v1/workorders/orders/{number}/operations/{key}/steps", {
          params: { path: { number, key: opKey } },
        }),
      ),
  });
}

export function useRecordStep(number: string, opKey: string) {
  const client = useQueryClient();
  return useMutation({
    // one key per tap: a retry of the same tap records once
    mutationFn: ({ code, value, key }: { code: string; value: StepValue; key: string }) =>
      call(
        api.POST("/api/v1/workorders/orders/{number}/operations/{key}/steps/{code}", {
          params: { path: { number, key: opKey, code }, header: { "Idempotency-Key": key } },
          body: { value },
        }),
      ),
    onSuccess: (step) => {
      client.setQueryData<Step[]>(stepKeys.op(number, opKey), (old) => old?.map((s) => (s.code === step.code ? step : s)));
    },
  });
}

/** An attachment fetched with the session's token (an <img src> can't carry it). */
export async function fetchBlob(url: string): Promise<Blob> {
  const r = await session.fetch(new Request(url));
  if (!r.ok) {
    let body: unknown = null;
    try {
      body = await r.json();
    } catch {
      body = null;
    }
    throw new ApiError(toProblem(r.status, body, r.statusText));
  }
  return r.blob();
}

function Attachment({ step }: { step: Step }) {
  const { t } = useTranslation();
  const a = step.attachment;
  const id = a?.id;
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!id) return;
    let made: string | null = null;
    let alive = true;
    fetchBlob(`/api/v1/workorders/attachments/${id}`)
      .then((blob) => {
        made = URL.createObjectURL(blob);
        if (alive) setUrl(made);
      })
      .catch((e: unknown) => alive && setError(e));
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id]);
  if (!a) return null;
  if (error) return <ProblemAlert error={error} title={t("station.steps.attachmentError")} />;
  if (!url) return <Text c="gray.7">{t("station.steps.loadingFile", { file: a.filename })}</Text>;
  if (a.content_type === "application/pdf")
    return (
      <Button component="a" href={url} target="_blank" rel="noopener" size="xl" h={56} variant="light" data-testid={`step-pdf-${step.code}`}>
        {t("station.steps.openFile", { file: a.filename })}
      </Button>
    );
  return <Image src={url} alt={a.filename} mah={320} fit="contain" radius="sm" data-testid={`step-image-${step.code}`} />;
}

function shown(step: Step): string {
  if (!step.recorded) return "";
  if (step.value === null) return i18n.t("station.steps.done");
  if (typeof step.value === "boolean") return i18n.t(step.value ? "station.steps.pass" : "station.steps.fail");
  const unit = step.field?.kind === "number" && step.field.unit ? ` ${step.field.unit}` : "";
  return `${step.value}${unit}`;
}

function StepCard({ number, opKey, step, current }: { number: string; opKey: string; step: Step; current: boolean }) {
  const { t } = useTranslation();
  const record = useRecordStep(number, opKey);
  const [editing, setEditing] = useState(false);
  const open = current || editing || (!step.recorded && !step.required);
  return (
    <Card
      withBorder
      padding="md"
      style={current ? { borderColor: "var(--mantine-color-teal-9)", borderWidth: 3 } : undefined}
      data-testid={`step-${step.code}`}
      data-recorded={step.recorded ? "yes" : "no"}
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={4}>
            {step.position}. {step.title}
          </Title>
          <Group gap="xs" wrap="nowrap">
            {step.required ? null : (
              <Badge size="lg" color="gray.7" variant="outline">
                {t("station.steps.optional")}
              </Badge>
            )}
            {step.recorded ? (
              <Badge size="xl" h={40} color={step.passed === false ? "red.9" : "green.9"} data-testid={`step-value-${step.code}`}>
                {shown(step)}
              </Badge>
            ) : null}
          </Group>
        </Group>
        {step.text ? <Text size="lg">{step.text}</Text> : null}
        {step.field?.kind === "number" && limitsText(step.field) ? (
          <Text size="md" c="gray.8" fw={600}>
            {t("station.steps.limits", { limits: limitsText(step.field) })}
          </Text>
        ) : null}
        <Attachment step={step} />
        {open ? (
          <StepsField
            step={step}
            busy={record.isPending}
            onRecord={(value) => {
              record.reset();
              record.mutate(
                { code: step.code, value, key: crypto.randomUUID() },
                { onSuccess: () => setEditing(false) },
              );
            }}
          />
        ) : step.recorded ? (
          <Group>
            <Button variant="default" size="xl" h={56} onClick={() => setEditing(true)}>
              {t("station.steps.change")}
            </Button>
          </Group>
        ) : null}
        {record.isError ? (
          <div data-testid="step-problem">
            <ProblemAlert error={record.error} size="xl" title={t("station.steps.valueRefused")} />
          </div>
        ) : null}
      </Stack>
    </Card>
  );
}

/** The operation's work instructions, one step after the other; required ones gate completion. */
export function StepsPanel({ number, opKey }: { number: string; opKey: string }) {
  const { t } = useTranslation();
  const steps = useSteps(number, opKey);
  if (steps.isPending) return null;
  if (steps.isError) return <ProblemAlert error={steps.error} onRetry={() => void steps.refetch()} />;
  if (steps.data.length === 0) return null;
  const missing = steps.data.filter((s) => s.required && !s.recorded);
  const current = steps.data.find((s) => !s.recorded);
  return (
    <Card withBorder padding="md" data-testid="steps-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t("station.steps.title")}</Title>
          <Text size="lg" fw={700} c={missing.length ? "orange.9" : "green.9"} data-testid="steps-remaining">
            {missing.length
              ? t("station.steps.toGo", { count: missing.length })
              : t("station.steps.allDone")}
          </Text>
        </Group>
        {steps.data.map((s) => (
          <StepCard key={s.code} number={number} opKey={opKey} step={s} current={s.code === current?.code} />
        ))}
        {missing.length === 0 ? (
          <Alert color="green.9" variant="light">
            <Text size="lg">{t("station.steps.canComplete")}</Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
