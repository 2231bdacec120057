import { Badge, Button, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../i18n";
import { useSession } from "../../auth/useSession";
import { ProblemAlert } from "../../components/ProblemAlert";

/** A title with the page's main action, shown only to who may do it (the API checks again). */
export function PageHeader({
  title,
  subtitle,
  action,
}: {
  title: string;
  subtitle?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-end">
      <div>
        <Title order={2}>{title}</Title>
        {subtitle ? <Text c="gray.7">{subtitle}</Text> : null}
      </div>
      {action}
    </Group>
  );
}

/** A button that opens a form, when the token grants `needs`. */
export function ActionButton({
  needs,
  onClick,
  children,
}: {
  needs: readonly string[];
  onClick: () => void;
  children: ReactNode;
}) {
  const { can } = useSession();
  if (!can(...needs)) return null;
  return (
    <Button size="md" onClick={onClick}>
      {children}
    </Button>
  );
}

/**
 * A create form in a dialog: `validate` first (the API's rules, next to the fields), then `submit`;
 * a refusal shows the API's problem detail above the form and keeps what was typed.
 */
export function FormModal({
  title,
  submitLabel,
  validate,
  submit,
  onClose,
  size = "lg",
  children,
}: {
  title: string;
  submitLabel: string;
  validate: () => boolean;
  submit: () => Promise<unknown>;
  onClose: () => void;
  size?: string;
  children: ReactNode;
}) {
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    setBusy(true);
    setFailure(null);
    try {
      await submit();
      onClose();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title} size={size} centered>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A code's catalogue label (`codes.<group>.<value>`), else the code made readable. */
export function KindBadge({ value, group }: { value: string; group: string }) {
  return (
    <Badge variant="filled" color="gray.7" radius="sm">
      {codeLabel(group, value)}
    </Badge>
  );
}
