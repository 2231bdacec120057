import { Badge, Card, Group, Text, UnstyledButton } from "@mantine/core";
import { type DispatchItem } from "../../api/workOrders";
import { formatDateTime, formatQuantity, humanize } from "../../lib/format";
import { OP_STATUS_COLOR } from "../../lib/orders";

export function DispatchCard({ item, selected, onSelect }: { item: DispatchItem; selected: boolean; onSelect: () => void }) {
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
              {item.product} · {formatQuantity(item.remaining)} of {formatQuantity(item.quantity)} left
            </Text>
            <Text size="sm" c={item.late ? "red.9" : "gray.8"} fw={item.late ? 700 : 400}>
              Due {formatDateTime(item.due)}
              {item.late ? " · late" : ""} · priority {item.priority}
            </Text>
          </div>
          <Badge size="xl" color={OP_STATUS_COLOR[item.status] ?? "gray.7"} variant="filled" style={{ flexShrink: 0 }}>
            {humanize(item.status)}
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
