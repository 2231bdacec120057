import { Button, Group, SegmentedControl, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { useState } from "react";
import type { components } from "../../api/generated/work-orders";
import { ScanField } from "../ScanField";

export type Step = components["schemas"]["StepRead"];
type Field = NonNullable<Step["field"]>;
export type StepValue = string | boolean | null;

/** "12,5" or "12.5" as the API's decimal string; null when it is not a number. */
export function decimalOf(text: string): string | null {
  const t = text.trim().replace(/\s/g, "");
  const normal = t.includes(",") && !t.includes(".") ? t.replace(",", ".") : t;
  return /^-?\d{1,12}(\.\d{1,6})?$/.test(normal) ? normal : null;
}

export function limitsText(field: Field): string {
  const unit = field.unit ? ` ${field.unit}` : "";
  if (field.min != null && field.max != null) return i18n.t("station.steps.range", { min: field.min, max: field.max, unit });
  if (field.min != null) return i18n.t("station.steps.atLeast", { min: field.min, unit });
  if (field.max != null) return i18n.t("station.steps.atMost", { max: field.max, unit });
  return unit.trim();
}

/** The input a step asks for; `onRecord` sends the value (the server checks limits too). */
export function StepsField({
  step,
  busy,
  onRecord,
}: {
  step: Step;
  busy: boolean;
  onRecord: (value: StepValue) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(step.value != null && typeof step.value === "string" ? step.value : "");
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<string | null>(typeof step.value === "string" ? step.value : null);
  const field = step.field;
  const testid = `step-input-${step.code}`;

  if (!field) {
    return (
      <Button size="xl" h={64} color="teal.9" loading={busy} onClick={() => onRecord(null)} data-testid={testid}>
        {step.recorded ? t("station.steps.doneAgain") : t("station.steps.done")}
      </Button>
    );
  }
  if (field.kind === "pass_fail") {
    return (
      <Group gap="md">
        <Button size="xl" h={64} px={40} color="green.9" loading={busy} onClick={() => onRecord(true)} data-testid={`${testid}-pass`}>
          {t("station.steps.pass")}
        </Button>
        <Button size="xl" h={64} px={40} color="red.9" loading={busy} onClick={() => onRecord(false)} data-testid={`${testid}-fail`}>
          {t("station.steps.fail")}
        </Button>
      </Group>
    );
  }
  if (field.kind === "choice") {
    return (
      <Group gap="md" align="center">
        <SegmentedControl
          size="xl"
          data={field.choices ?? []}
          value={choice ?? ""}
          onChange={setChoice}
          data-testid={testid}
        />
        <Button size="xl" h={64} color="teal.9" loading={busy} disabled={!choice} onClick={() => choice && onRecord(choice)}>
          {t("station.steps.record")}
        </Button>
      </Group>
    );
  }
  if (field.kind === "scan") {
    return <ScanField label={t("station.steps.scan")} busy={busy} captureKeys={false} onScan={(code) => onRecord(code)} />;
  }
  const isNumber = field.kind === "number";
  const submit = () => {
    if (isNumber) {
      const d = decimalOf(text);
      if (d === null) {
        setError(t("station.steps.enterNumber"));
        return;
      }
      onRecord(d);
    } else {
      if (!text.trim()) {
        setError(t("station.steps.enterValue"));
        return;
      }
      onRecord(text.trim());
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Group gap="md" align="flex-end" wrap="nowrap">
        <TextInput
          size="xl"
          style={{ flex: 1 }}
          label={isNumber ? (field.unit ? t("station.steps.valueUnit", { unit: field.unit }) : t("station.steps.value")) : t("station.steps.text")}
          inputMode={isNumber ? "decimal" : "text"}
          maxLength={field.max_length ?? 500}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          rightSection={isNumber && field.unit ? <Text fw={700}>{field.unit}</Text> : undefined}
          rightSectionWidth={isNumber && field.unit ? 64 : undefined}
          data-testid={testid}
        />
        <Button type="submit" size="xl" h={60} color="teal.9" loading={busy}>
          {t("station.steps.record")}
        </Button>
      </Group>
    </form>
  );
}
