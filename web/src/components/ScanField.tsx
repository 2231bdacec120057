import { Button, Group, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { normalizeScan, validateCode } from "../lib/forms";

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
  placeholder = "Scan or type, then Enter",
  busy = false,
  captureKeys = true,
  submitLabel = "Find",
}: {
  label: string;
  onScan: (code: string) => void;
  placeholder?: string;
  busy?: boolean;
  captureKeys?: boolean;
  /** what the button does with the code ("Use lot") */
  submitLabel?: string;
}) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
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
    const code = normalizeScan(value);
    const problem = validateCode(code);
    setError(problem);
    if (problem) return;
    setValue(code);
    onScan(code);
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
          {submitLabel}
        </Button>
      </Group>
    </form>
  );
}
