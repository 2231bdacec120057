import { Badge, Card, Group, Text, UnstyledButton } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type DispatchItem } from "../../api/workOrders";
import { codeLabel } from "../../i18n";
import { formatDateTime, formatQuantity } from "../../lib/format";
import { OP_STATUS_COLOR } from "../../lib/orders";

export function DispatchCard({ item, selected, onSelect }: { item: DispatchItem; selected: boolean; onSelect: () => void }) {
  const { t } = useTranslation();
  const status = codeLabel("opStatus", item.status);
  return (
    <UnstyledButton onClick={onSelect} aria-pressed={selected} data-testid={`dispatch-${item.work_order}-${item.operation}`}>
      <Card
        withBorder
        padding="md"
        radius="md"
        bg={selected ? "plant.0" : undefined}
        style={{ borderWidth: selected ? 3 : 1, borderColor: selected ? "var(--mantine-color-plant-8)" : undefined }}
      >
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={800} size="xl">
              {item.work_order} · {item.operation} {item.name}
            </Text>
            <Text size="lg">
              {item.product} · {t("station.left", { remaining: formatQuantity(item.remaining), quantity: formatQuantity(item.quantity) })}
            </Text>
            <Text size="sm" c={item.late ? "red.9" : "gray.8"} fw={item.late ? 700 : 400}>
              {t("station.due", { due: formatDateTime(item.due) })}
              {item.late ? ` · ${t("station.late")}` : ""} · {t("station.priority", { priority: item.priority })}
            </Text>
          </div>
          <Badge size="xl" color={OP_STATUS_COLOR[item.status] ?? "gray.7"} variant="filled" style={{ flexShrink: 0 }}>
            {status}
          </Badge>
        </Group>
        {!item.can_start && item.status === "pending" && item.blocked_by.length ? (
          <Text size="md" c="red.9" fw={700} mt="xs">
            {item.blocked_by.map((b) => b.detail).join(" ")}
          </Text>
        ) : null}
      </Card>
    </UnstyledButton>
  );
}
