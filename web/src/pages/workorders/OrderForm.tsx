import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import {
  useCreateOrder,
  useProducts,
  useRoutings,
  useUpdateOrder,
  type WorkOrder,
} from "../../api/workOrders";
import { ProblemAlert } from "../../components/ProblemAlert";
import { CODE_PATTERN } from "../../lib/forms";

/** "2026-12-01T14:00" (a datetime-local input, the user's time) <-> ISO with an offset. */
export function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

interface Values {
  number: string;
  product: string;
  quantity: string;
  due: string;
  priority: number;
  erp_ref: string;
  routing_version: string | null;
}

export function validateOrder(v: Values, creating: boolean): Partial<Record<keyof Values, string>> {
  const errors: Partial<Record<keyof Values, string>> = {};
  if (creating && !CODE_PATTERN.test(v.number)) errors.number = "Letters, digits and . _ / - only, at most 64.";
  if (creating && !v.product) errors.product = "Choose the product to make.";
  if (!/^\d+(\.\d+)?$/.test(v.quantity.trim()) || Number(v.quantity) <= 0) errors.quantity = "A quantity above 0.";
  if (!fromLocalInput(v.due)) errors.due = "When it is due.";
  if (v.priority < 1 || v.priority > 9) errors.priority = "1 (most urgent) to 9.";
  if (v.erp_ref.length > 64) errors.erp_ref = "At most 64 characters.";
  return errors;
}

/** Create a planned work order, or edit one that is still planned (released orders are frozen). */
export function OrderForm({ order, onClose, onSaved }: { order?: WorkOrder; onClose: () => void; onSaved: (o: WorkOrder) => void }) {
  const creating = !order;
  const [v, setV] = useState<Values>({
    number: order?.number ?? "",
    product: order?.product ?? "",
    quantity: order?.quantity ?? "",
    due: order ? localInput(order.due) : "",
    priority: order?.priority ?? 5,
    erp_ref: order?.erp_ref ?? "",
    routing_version: order?.routing_version ?? null,
  });
  const [errors, setErrors] = useState<Partial<Record<keyof Values, string>>>({});
  const products = useProducts();
  const routings = useRoutings(v.product || undefined);
  const create = useCreateOrder();
  const update = useUpdateOrder(order?.number ?? "");
  const failure = creating ? create.error : update.error;
  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setV((old) => ({ ...old, [key]: value }));
    setErrors((old) => ({ ...old, [key]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateOrder(v, creating);
    setErrors(found);
    if (Object.keys(found).length) return;
    const due = fromLocalInput(v.due) ?? "";
    try {
      const saved = creating
        ? await create.mutateAsync({
            number: v.number.trim(),
            product: v.product,
            quantity: v.quantity.trim(),
            due,
            priority: v.priority,
            erp_ref: v.erp_ref.trim() || null,
            routing_version: v.routing_version,
          })
        : await update.mutateAsync({
            quantity: v.quantity.trim(),
            due,
            priority: v.priority,
            erp_ref: v.erp_ref.trim() || null,
            routing_version: v.routing_version,
          });
      onSaved(saved);
    } catch {
      // shown from the mutation's error
    }
  };

  return (
    <Modal opened onClose={onClose} title={creating ? "New work order" : `Edit ${order.number}`} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          {creating ? (
            <TextInput
              label="Number"
              placeholder="WO-2001"
              value={v.number}
              onChange={(e) => set("number", e.currentTarget.value)}
              error={errors.number}
              data-autofocus
              required
            />
          ) : null}
          <Select
            label="Product"
            data={(products.data?.items ?? []).map((p) => ({ value: p.code, label: `${p.name} (${p.code})` }))}
            value={v.product || null}
            onChange={(value) => {
              set("product", value ?? "");
              set("routing_version", null);
            }}
            disabled={!creating}
            searchable
            error={errors.product}
            required
          />
          <Group grow>
            <TextInput
              label="Quantity"
              inputMode="decimal"
              value={v.quantity}
              onChange={(e) => set("quantity", e.currentTarget.value)}
              error={errors.quantity}
              required
            />
            <NumberInput
              label="Priority"
              description="1 is the most urgent"
              min={1}
              max={9}
              value={v.priority}
              onChange={(value) => set("priority", typeof value === "number" ? value : Number(value) || 5)}
              error={errors.priority}
            />
          </Group>
          <Group grow>
            <TextInput
              label="Due"
              type="datetime-local"
              value={v.due}
              onChange={(e) => set("due", e.currentTarget.value)}
              error={errors.due}
              required
            />
            <TextInput
              label="ERP reference"
              value={v.erp_ref}
              onChange={(e) => set("erp_ref", e.currentTarget.value)}
              error={errors.erp_ref}
            />
          </Group>
          <Select
            label="Routing version"
            description="Empty: the product's latest routing when the order is released"
            data={(routings.data ?? []).map((r) => ({ value: r.version, label: `Version ${r.version}` }))}
            value={v.routing_version}
            onChange={(value) => set("routing_version", value)}
            clearable
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {creating ? "Create" : "Save"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
