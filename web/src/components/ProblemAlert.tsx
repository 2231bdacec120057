import { Alert, Button, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError, errorMessage } from "../api/problem";

/** An API error as a person should read it: the problem's `detail`, in red, never a blank screen. */
export function ProblemAlert({
  error,
  title,
  onRetry,
  size = "md",
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  size?: "md" | "xl";
}) {
  const { t } = useTranslation();
  const heading =
    title ??
    (error instanceof ApiError && error.status === 404
      ? t("problem.notFound")
      : error instanceof ApiError && error.status === 403
        ? t("problem.notAllowed")
        : t("problem.failed"));
  return (
    <Alert color="red.9" variant="filled" title={heading} role="alert" data-testid="problem">
      <Group justify="space-between" align="center" wrap="nowrap">
        <Text size={size === "xl" ? "xl" : "md"} fw={600} c="white">
          {errorMessage(error)}
        </Text>
        {onRetry ? (
          <Button variant="white" color="red.9" onClick={onRetry}>
            {t("problem.retry")}
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}
