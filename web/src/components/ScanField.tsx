import { Button, Group, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import i18n from "../i18n";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { normalizeScan, validateCode } from "../lib/forms";
import { Gs1Error, parseGs1, type Gs1Data } from "../lib/gs1";

/** A GS1 label's code: the lot (10) or serial (21) it carries; a plain scan as it came. */
export function scannedCode(raw: string): { code: string; gs1: Gs1Data | null; problem: string | null } {
  let gs1: Gs1Data | null;
  try {
    gs1 = parseGs1(raw);
  } catch (e) {
    return { code: "", gs1: null, problem: i18n.t("scan.gs1Invalid", { reason: e instanceof Gs1Error ? e.message : String(e) }) };
  }
  if (!gs1) return { code: normalizeScan(raw), gs1: null, problem: null };
  const code = gs1.lot ?? gs1.serial;
  if (!code) return { code: "", gs1, problem: i18n.t("scan.gs1NoLot") };
  return { code, gs1, problem: null };
}

function gs1Summary(d: Gs1Data): string {
  return [
    d.gtin ? `GTIN ${d.gtin}` : null,
    d.lot ? `lot ${d.lot}` : null,
    d.serial ? `serial ${d.serial}` : null,
    d.expiry ? `expiry ${d.expiry}` : null,
    d.count !== undefined ? `count ${d.count}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

function isEditable(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el as HTMLElement).isContentEditable;
}

/**
 * The scan field for a keyboard-wedge scanner: it holds the focus, a scan ends with Enter, and
 * keys typed while nothing editable has the focus (the scanner fires after a tap elsewhere) are
 * sent here instead of being lost.
 */
export function ScanField({
  label,
  onScan,
  placeholder,
  busy = false,
  captureKeys = true,
  submitLabel,
}: {
  label: string;
  onScan: (code: string, gs1: Gs1Data | null) => void;
  placeholder?: string;
  busy?: boolean;
  captureKeys?: boolean;
  /** what the button does with the code ("Use lot") */
  submitLabel?: string;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [gs1, setGs1] = useState<Gs1Data | null>(null);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!captureKeys) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
      if (isEditable(document.activeElement) || document.querySelector("[role=dialog]")) return;
      ref.current?.focus();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [captureKeys]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scanned = scannedCode(value);
    const code = scanned.code;
    const problem = scanned.problem ?? validateCode(code);
    setError(problem);
    setGs1(problem ? null : scanned.gs1);
    if (problem) return;
    setValue(code);
    onScan(code, scanned.gs1);
    // the next scan replaces this one
    requestAnimationFrame(() => ref.current?.select());
  };

  return (
    <form onSubmit={submit} role="search">
      <Group align="flex-end" wrap="nowrap" gap="sm">
        <TextInput
          ref={ref}
          style={{ flex: 1 }}
          size="xl"
          label={label}
          placeholder={placeholder}
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            if (error) setError(null);
          }}
          error={error}
          autoFocus
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="search"
          data-testid="scan-input"
        />
        <Button type="submit" size="xl" loading={busy} miw={140}>
          {submitLabel ?? t("scan.find")}
        </Button>
      </Group>
      {gs1 ? (
        <Text size="md" fw={600} c="gray.8" mt={4} data-testid="scan-gs1">
          {t("scan.gs1", { summary: gs1Summary(gs1) })}
        </Text>
      ) : null}
    </form>
  );
}
