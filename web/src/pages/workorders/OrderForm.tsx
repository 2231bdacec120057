import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  useCreateOrder,
  useProducts,
  useRoutings,
  useUpdateOrder,
  type WorkOrder,
} from "../../api/workOrders";
import { ProblemAlert } from "../../components/ProblemAlert";
import i18n from "../../i18n";
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
  const t = i18n.t.bind(i18n);
  if (creating && !CODE_PATTERN.test(v.number)) errors.number = t("common.codeRule");
  if (creating && !v.product) errors.product = t("workorders.form.productMissing");
  if (!/^\d+(\.\d+)?$/.test(v.quantity.trim()) || Number(v.quantity) <= 0) errors.quantity = t("workorders.form.quantityAboveZero");
  if (!fromLocalInput(v.due)) errors.due = t("workorders.form.dueMissing");
  if (v.priority < 1 || v.priority > 9) errors.priority = t("workorders.form.priorityRange");
  if (v.erp_ref.length > 64) errors.erp_ref = t("common.atMost", { n: 64 });
  return errors;
}

/** Create a planned work order, or edit one that is still planned (released orders are frozen). */
export function OrderForm({ order, onClose, onSaved }: { order?: WorkOrder; onClose: () => void; onSaved: (o: WorkOrder) => void }) {
  const creating = !order;
  const { t } = useTranslation();
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
    <Modal opened onClose={onClose} title={creating ? t("workorders.list.new") : t("workorders.form.edit", { number: order.number })} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          {creating ? (
            <TextInput
              label={t("workorders.list.col.number")}
              placeholder="WO-2001"
              value={v.number}
              onChange={(e) => set("number", e.currentTarget.value)}
              error={errors.number}
              data-autofocus
              required
            />
          ) : null}
          <Select
            label={t("workorders.list.col.product")}
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
              label={t("workorders.list.col.quantity")}
              inputMode="decimal"
              value={v.quantity}
              onChange={(e) => set("quantity", e.currentTarget.value)}
              error={errors.quantity}
              required
            />
            <NumberInput
              label={t("workorders.list.col.priority")}
              description={t("workorders.form.priorityHint")}
              min={1}
              max={9}
              value={v.priority}
              onChange={(value) => set("priority", typeof value === "number" ? value : Number(value) || 5)}
              error={errors.priority}
            />
          </Group>
          <Group grow>
            <TextInput
              label={t("workorders.list.col.due")}
              type="datetime-local"
              value={v.due}
              onChange={(e) => set("due", e.currentTarget.value)}
              error={errors.due}
              required
            />
            <TextInput
              label={t("workorders.list.col.erp_ref")}
              value={v.erp_ref}
              onChange={(e) => set("erp_ref", e.currentTarget.value)}
              error={errors.erp_ref}
            />
          </Group>
          <Select
            label={t("workorders.form.routingVersion")}
            description={t("workorders.form.routingHint")}
            data={(routings.data ?? []).map((r) => ({ value: r.version, label: t("workorders.form.version", { version: r.version }) }))}
            value={v.routing_version}
            onChange={(value) => set("routing_version", value)}
            clearable
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {creating ? t("common.create") : t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
