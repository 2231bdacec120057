import { Alert, Card, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useConsume, type Operation, type WorkOrder } from "../../api/workOrders";
import { ProblemAlert } from "../ProblemAlert";
import { ScanField } from "../ScanField";
import { formatQuantity } from "../../lib/format";
import { parseDecimal } from "../../lib/forms";

export function ConsumeBox({ order, op }: { order: WorkOrder; op: Operation }) {
  const consume = useConsume(order.number, op.key);
  const [quantity, setQuantity] = useState("");
  const [quantityError, setQuantityError] = useState<string | null>(null);
  const items = op.materials.map((m) => m.item).join(", ");
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>Consume material{items ? `: ${items}` : ""}</Title>
        <TextInput
          label="Quantity per scan"
          size="xl"
          inputMode="decimal"
          w={240}
          value={quantity}
          onChange={(e) => {
            setQuantity(e.currentTarget.value);
            setQuantityError(null);
          }}
          error={quantityError}
          data-testid="consume-quantity"
        />
        <ScanField
          label="Scan a lot"
          busy={consume.isPending}
          onScan={(lot) => {
            const q = parseDecimal(quantity);
            if (q === null || Number(q) <= 0) {
              setQuantityError("Enter the quantity first.");
              return;
            }
            consume.reset();
            consume.mutate({ lot, quantity: q });
          }}
        />
        {consume.isError ? <ProblemAlert error={consume.error} size="xl" title="Lot refused" /> : null}
        {consume.isSuccess ? (
          <Alert color="green.9" variant="filled" role="status" data-testid="consume-result">
            <Text size="xl" fw={700} c="white">
              Consumed {formatQuantity(consume.data.quantity, consume.data.uom)} of lot {consume.data.lot} (
              {consume.data.item}); {formatQuantity(consume.data.remaining, consume.data.uom)} left in the lot.
            </Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
