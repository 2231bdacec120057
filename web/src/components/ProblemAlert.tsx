import { Alert, Button, Group, Text } from "@mantine/core";
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
  const heading =
    title ??
    (error instanceof ApiError && error.status === 404
      ? "Not found"
      : error instanceof ApiError && error.status === 403
        ? "Not allowed"
        : "That did not work");
  return (
    <Alert color="red.9" variant="filled" title={heading} role="alert" data-testid="problem">
      <Group justify="space-between" align="center" wrap="nowrap">
        <Text size={size === "xl" ? "xl" : "md"} fw={600} c="white">
          {errorMessage(error)}
        </Text>
        {onRetry ? (
          <Button variant="white" color="red.9" onClick={onRetry}>
            Try again
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}
