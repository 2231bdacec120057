import { Button, Group, SegmentedControl, Text, TextInput } from "@mantine/core";
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
  if (field.min != null && field.max != null) return `${field.min} to ${field.max}${unit}`;
  if (field.min != null) return `at least ${field.min}${unit}`;
  if (field.max != null) return `at most ${field.max}${unit}`;
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
  const [text, setText] = useState(step.value != null && typeof step.value === "string" ? step.value : "");
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<string | null>(typeof step.value === "string" ? step.value : null);
  const field = step.field;
  const testid = `step-input-${step.code}`;

  if (!field) {
    return (
      <Button size="xl" h={64} color="teal.9" loading={busy} onClick={() => onRecord(null)} data-testid={testid}>
        {step.recorded ? "Done again" : "Done"}
      </Button>
    );
  }
  if (field.kind === "pass_fail") {
    return (
      <Group gap="md">
        <Button size="xl" h={64} px={40} color="green.9" loading={busy} onClick={() => onRecord(true)} data-testid={`${testid}-pass`}>
          Pass
        </Button>
        <Button size="xl" h={64} px={40} color="red.9" loading={busy} onClick={() => onRecord(false)} data-testid={`${testid}-fail`}>
          Fail
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
          Record
        </Button>
      </Group>
    );
  }
  if (field.kind === "scan") {
    return <ScanField label="Scan" busy={busy} captureKeys={false} onScan={(code) => onRecord(code)} />;
  }
  const isNumber = field.kind === "number";
  const submit = () => {
    if (isNumber) {
      const d = decimalOf(text);
      if (d === null) {
        setError("Enter a number such as 12.5.");
        return;
      }
      onRecord(d);
    } else {
      if (!text.trim()) {
        setError("Enter a value.");
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
          label={isNumber ? `Value${field.unit ? ` (${field.unit})` : ""}` : "Text"}
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
          Record
        </Button>
      </Group>
    </form>
  );
}
