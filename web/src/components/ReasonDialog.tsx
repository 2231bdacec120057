import { Button, Group, Modal, Stack, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { validateReason } from "../lib/forms";
import { ProblemAlert } from "./ProblemAlert";

/** Asks why (for the audit trail), then runs `onConfirm`; the API's refusal is shown in the dialog. */
export function ReasonDialog({
  title,
  confirmLabel,
  color,
  required = true,
  suggestions = [],
  onConfirm,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  color: string;
  required?: boolean;
  suggestions?: readonly string[];
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = required || reason.trim() ? validateReason(reason) : null;
    setError(problem);
    if (problem) return;
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={title} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          {suggestions.length ? (
            <Group gap="xs">
              {suggestions.map((s) => (
                <Button key={s} variant="default" size="lg" onClick={() => setReason(s)}>
                  {s}
                </Button>
              ))}
            </Group>
          ) : null}
          <Textarea
            label={required ? t("dialog.reason") : t("dialog.reasonOptional")}
            description={t("dialog.keptInAudit")}
            size="lg"
            autosize
            minRows={3}
            maxLength={500}
            data-autofocus
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              if (error) setError(null);
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" size="lg" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" size="lg" color={color} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
