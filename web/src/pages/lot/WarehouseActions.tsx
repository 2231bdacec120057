import { Button, Group, Modal, Paper, Select, Stack, TagsInput, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import {
  newIdempotencyKey,
  useOpenOrderNumbers,
  useReceiveLot,
  useWarehouseAction,
  type Lot,
  type LotReceive,
  type WarehouseAction,
} from "../../api/material";
import { useAllLocations, useItemChoices } from "../../api/masterData";
import { PERM } from "../../auth/permissions";
import { useSession } from "../../auth/useSession";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatQuantity } from "../../lib/format";
import { CODE_PATTERN, parseDecimal, validateReason } from "../../lib/forms";

export type ActionName = WarehouseAction["action"];

const LABELS: Record<ActionName, string> = {
  move: "Move",
  split: "Split",
  merge: "Merge into this lot",
  adjust: "Adjust quantity",
  scrap: "Scrap",
  issue: "Issue to work order",
};

/** Which actions the token allows on a lot in this status (the API checks again). */
export function allowedActions(lot: Lot, perms: { move: boolean; adjust: boolean }): ActionName[] {
  if (lot.status === "consumed" || lot.status === "scrapped") return [];
  const out: ActionName[] = [];
  if (perms.move) out.push("move", "split", "merge", "issue");
  if (perms.adjust) out.push("adjust", "scrap");
  return out;
}

function positive(text: string, what: string, max?: string): [string | null, string | null] {
  const v = parseDecimal(text);
  if (v === null || Number(v) <= 0) return [null, `${what}: enter a quantity above 0, like 12 or 1.5.`];
  if (max !== undefined && Number(v) > Number(max)) return [null, `${what}: the lot holds only ${max}.`];
  return [v, null];
}

function optionalCode(text: string): string | null {
  const v = text.trim();
  if (!v) return null;
  return CODE_PATTERN.test(v) ? null : `"${v}" is not a valid code (letters, digits, . _ / - only).`;
}

/**
 * Two steps: the form, then "are you sure" with what will happen in words; the Idempotency-Key
 * is made when the dialog opens, so sending again after a lost answer books once.
 */
function ConfirmingDialog({
  title,
  color = "blue.9",
  build,
  summary,
  send,
  onClose,
  children,
}: {
  title: string;
  color?: string;
  /** checks the form: true when it can be sent (else the form shows what to fix) */
  build: () => boolean;
  summary: () => ReactNode;
  send: (key: string) => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
}) {
  const [key] = useState(newIdempotencyKey);
  const [step, setStep] = useState<"form" | "confirm">("form");
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const review = (e: FormEvent) => {
    e.preventDefault();
    if (build()) setStep("confirm");
  };
  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await send(key);
      onClose();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title} size="lg" centered>
      {step === "form" ? (
        <form onSubmit={review} noValidate>
          <Stack>
            {children}
            <Group justify="flex-end">
              <Button variant="default" size="lg" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" size="lg" color={color}>
                Continue
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          <Paper withBorder p="md" data-testid="confirm-summary">
            <Text fw={700} c="gray.7" tt="uppercase" size="sm">
              Please confirm
            </Text>
            <Text size="lg" fw={600} mt={4}>
              {summary()}
            </Text>
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" size="lg" onClick={() => setStep("form")} disabled={busy}>
              Back
            </Button>
            <Button size="lg" color={color} loading={busy} onClick={() => void confirm()}>
              Confirm
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function LocationSelect({
  value,
  onChange,
  error,
  exclude,
  label = "To location",
}: {
  value: string | null;
  onChange: (v: string | null) => void;
  error?: string | null;
  exclude?: string;
  label?: string;
}) {
  const locations = useAllLocations();
  return (
    <Select
      label={label}
      size="lg"
      searchable
      data={(locations.data?.items ?? [])
        .filter((l) => l.code !== exclude)
        .map((l) => ({ value: l.code, label: `${l.code} — ${l.name}` }))}
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}

function ReasonField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error: string | null }) {
  return (
    <Textarea
      label="Reason"
      description="Kept in the audit trail"
      size="lg"
      autosize
      minRows={2}
      maxLength={500}
      value={value}
      error={error}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

/** One warehouse action on `lot`, as a confirmed dialog. */
export function ActionDialog({ lot, action, onClose }: { lot: Lot; action: ActionName; onClose: () => void }) {
  const run = useWarehouseAction(lot.code);
  const navigate = useNavigate();
  const orders = useOpenOrderNumbers();
  const [to, setTo] = useState<string | null>(null);
  const [quantity, setQuantity] = useState("");
  const [newCode, setNewCode] = useState("");
  const [reason, setReason] = useState("");
  const [sources, setSources] = useState<string[]>([]);
  const [order, setOrder] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [request, setRequest] = useState<WarehouseAction | null>(null);
  const q = (v: string | number) => formatQuantity(String(v), lot.uom);

  const build = (): boolean => {
    const e: Record<string, string | null> = {};
    let req: WarehouseAction | null = null;
    if (action === "move") {
      e.to = to ? null : "Choose where the lot goes.";
      if (to) req = { action, body: { to_location: to } };
    } else if (action === "split") {
      const [v, err] = positive(quantity, "Quantity", lot.quantity);
      e.quantity = err ?? (v === lot.quantity ? "To split, leave something in this lot." : null);
      e.newCode = optionalCode(newCode);
      if (v && !e.quantity && !e.newCode) req = { action, body: { quantity: v, new_code: newCode.trim() || null } };
    } else if (action === "merge") {
      const bad = sources.find((s) => !CODE_PATTERN.test(s));
      e.sources = sources.length === 0 ? "Scan or type the lots to merge in." : bad ? `"${bad}" is not a valid code.` : null;
      if (sources.includes(lot.code)) e.sources = "A lot can't be merged into itself.";
      if (!e.sources) req = { action, body: { sources } };
    } else if (action === "adjust") {
      const t = quantity.trim().replace(",", ".");
      const ok = /^-?\d{1,12}(\.\d{1,6})?$/.test(t) && Number(t) !== 0;
      e.quantity = ok ? null : "Change: a number above or below 0, like -2 or 5.";
      if (ok && Number(lot.quantity) + Number(t) < 0) e.quantity = `The lot holds only ${q(lot.quantity)}.`;
      e.reason = validateReason(reason);
      if (!e.quantity && !e.reason) req = { action, body: { delta: t, reason: reason.trim() } };
    } else if (action === "scrap") {
      const [v, err] = positive(quantity, "Quantity", lot.quantity);
      e.quantity = err;
      e.reason = validateReason(reason);
      if (v && !e.quantity && !e.reason) req = { action, body: { quantity: v, reason: reason.trim() } };
    } else {
      e.order = order ? null : "Choose the work order.";
      e.to = to ? null : "Choose the line-side or WIP location.";
      const [v, err] = quantity.trim() ? positive(quantity, "Quantity", lot.quantity) : [null, null];
      e.quantity = err;
      e.newCode = optionalCode(newCode);
      if (order && to && !err && !e.newCode) {
        req = {
          action,
          body: { work_order: order, to_location: to, quantity: v, new_code: v ? newCode.trim() || null : null },
        };
      }
    }
    setErrors(e);
    setRequest(req);
    return req !== null;
  };

  const summary = (): ReactNode => {
    if (!request) return null;
    switch (request.action) {
      case "move":
        return `Move lot ${lot.code} (${q(lot.quantity)}) from ${lot.location} to ${request.body.to_location}.`;
      case "split":
        return `Split ${q(request.body.quantity)} off lot ${lot.code} into ${request.body.new_code ?? "a new lot"}; ${q(String(Number(lot.quantity) - Number(request.body.quantity)))} stay.`;
      case "merge":
        return `Merge ${request.body.sources.join(", ")} into lot ${lot.code}. The merged lots are emptied.`;
      case "adjust":
        return `Change lot ${lot.code} by ${request.body.delta} ${lot.uom} (now ${q(lot.quantity)}), because: ${request.body.reason}`;
      case "scrap":
        return `Scrap ${q(request.body.quantity)} of lot ${lot.code}, because: ${request.body.reason}. This can't be undone.`;
      case "issue":
        return `Issue ${request.body.quantity ? q(request.body.quantity) : `the whole lot (${q(lot.quantity)})`} of ${lot.code} to ${request.body.work_order} at ${request.body.to_location}.`;
    }
  };

  const send = async (key: string) => {
    if (!request) return;
    const result = await run.mutateAsync({ action: request, key });
    if (result.code !== lot.code) {
      notifications.show({
        color: "green.9",
        title: `${LABELS[action]}: new lot ${result.code}`,
        message: `${formatQuantity(result.quantity, result.uom)} at ${result.location}`,
      });
    } else {
      notifications.show({
        color: "green.9",
        title: `${LABELS[action]}: lot ${lot.code}`,
        message: `${formatQuantity(result.quantity, result.uom)} at ${result.location}`,
      });
    }
    if (result.code !== lot.code && action === "issue") navigate(`/material/lots/${encodeURIComponent(result.code)}`);
  };

  const quantityField = (label: string, description?: string) => (
    <TextInput
      label={label}
      description={description}
      size="lg"
      inputMode="decimal"
      data-autofocus={action !== "issue" ? true : undefined}
      value={quantity}
      error={errors.quantity}
      onChange={(e) => setQuantity(e.currentTarget.value)}
      rightSection={<Text c="gray.7">{lot.uom}</Text>}
      rightSectionWidth={56}
    />
  );

  return (
    <ConfirmingDialog
      title={`${LABELS[action]} — lot ${lot.code}`}
      color={action === "scrap" ? "red.9" : "blue.9"}
      build={build}
      summary={summary}
      send={send}
      onClose={onClose}
    >
      <Text c="gray.7">
        {lot.item}: {q(lot.quantity)} at {lot.location}
      </Text>
      {action === "move" ? <LocationSelect value={to} onChange={setTo} error={errors.to} exclude={lot.location} /> : null}
      {action === "split" ? (
        <>
          {quantityField("Quantity to split off")}
          <TextInput
            label="New lot code"
            description="Empty: one is made up"
            size="lg"
            value={newCode}
            error={errors.newCode}
            onChange={(e) => setNewCode(e.currentTarget.value)}
          />
        </>
      ) : null}
      {action === "merge" ? (
        <TagsInput
          label="Lots to merge in"
          description="Scan each lot; same item only"
          size="lg"
          data-autofocus
          value={sources}
          onChange={setSources}
          error={errors.sources}
        />
      ) : null}
      {action === "adjust" ? (
        <>
          {quantityField("Change", "Negative to take away, positive to add")}
          <ReasonField value={reason} onChange={setReason} error={errors.reason ?? null} />
        </>
      ) : null}
      {action === "scrap" ? (
        <>
          {quantityField("Quantity to scrap")}
          <ReasonField value={reason} onChange={setReason} error={errors.reason ?? null} />
        </>
      ) : null}
      {action === "issue" ? (
        <>
          <Select
            label="Work order"
            size="lg"
            searchable
            data-autofocus
            data={(orders.data ?? []).map((o) => ({ value: o.number, label: `${o.number} — ${o.product}` }))}
            value={order}
            onChange={setOrder}
            error={errors.order}
            nothingFoundMessage="No released order matches"
          />
          <LocationSelect value={to} onChange={setTo} error={errors.to} exclude={lot.location} />
          {quantityField("Quantity", "Empty: the whole lot")}
          {quantity.trim() ? (
            <TextInput
              label="Code of the issued part"
              description="Empty: one is made up"
              size="lg"
              value={newCode}
              error={errors.newCode}
              onChange={(e) => setNewCode(e.currentTarget.value)}
            />
          ) : null}
        </>
      ) : null}
    </ConfirmingDialog>
  );
}

/** The action buttons of the lot page, by permission. */
export function WarehouseActions({ lot }: { lot: Lot }) {
  const { can } = useSession();
  const [open, setOpen] = useState<ActionName | null>(null);
  const actions = allowedActions(lot, { move: can(PERM.lotMove), adjust: can(PERM.lotAdjust) });
  if (actions.length === 0) return null;
  return (
    <>
      <Group mt="md" data-testid="warehouse-actions">
        {actions.map((a) => (
          <Button key={a} size="lg" variant="outline" color={a === "scrap" ? "red.9" : "blue.9"} onClick={() => setOpen(a)}>
            {LABELS[a]}
          </Button>
        ))}
      </Group>
      {open ? <ActionDialog lot={lot} action={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

/** Receive a lot into a location: a new lot, then its page. */
export function ReceiveLotDialog({ onClose }: { onClose: () => void }) {
  const receive = useReceiveLot();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  // what was typed narrows the list on the server; once chosen, the item's label is not a search
  const items = useItemChoices(picked && search === picked.label ? picked.value : search);
  const [item, setItem] = useState<string | null>(null);
  const [unit, setUnit] = useState("");
  const [quantity, setQuantity] = useState("");
  const [location, setLocation] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [supplier, setSupplier] = useState("");
  const [supplierLot, setSupplierLot] = useState("");
  const [expires, setExpires] = useState("");
  const [status, setStatus] = useState<"available" | "quarantine">("available");
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [body, setBody] = useState<LotReceive | null>(null);
  const options = (items.data?.items ?? []).map((i) => ({ value: i.code, label: `${i.code} — ${i.name}` }));
  if (picked && !options.some((o) => o.value === picked.value)) options.unshift(picked);

  const build = () => {
    const [v, qErr] = positive(quantity, "Quantity");
    const e = {
      item: item ? null : "Choose the item.",
      quantity: qErr,
      location: location ? null : "Choose where it is put.",
      code: optionalCode(code),
      supplier: supplier.trim().length > 200 ? "Supplier: at most 200 characters." : null,
      supplierLot: supplierLot.trim().length > 64 ? "Supplier lot: at most 64 characters." : null,
    };
    setErrors(e);
    const ok = Object.values(e).every((x) => !x) && item && location && v;
    setBody(
      ok
        ? {
            item,
            quantity: v,
            location,
            code: code.trim() || null,
            supplier: supplier.trim() || null,
            supplier_lot: supplierLot.trim() || null,
            expires_on: expires || null,
            status,
          }
        : null,
    );
    return !!ok;
  };

  return (
    <ConfirmingDialog
      title="Receive a lot"
      build={build}
      summary={() =>
        body
          ? `Receive ${formatQuantity(String(body.quantity), unit)} of ${body.item} into ${body.location}` +
            `${body.code ? ` as lot ${body.code}` : ""}${body.status === "quarantine" ? ", in quarantine" : ""}.`
          : null
      }
      send={async (key) => {
        if (!body) return;
        const lot = await receive.mutateAsync({ body, key });
        notifications.show({ color: "green.9", title: `Lot ${lot.code} received`, message: formatQuantity(lot.quantity, lot.uom) });
        navigate(`/material/lots/${encodeURIComponent(lot.code)}`);
      }}
      onClose={onClose}
    >
      <Select
        label="Item"
        size="lg"
        searchable
        data-autofocus
        searchValue={search}
        onSearchChange={setSearch}
        data={options}
        value={item}
        onChange={(v, option) => {
          setItem(v);
          setPicked(v ? option : null);
          setUnit(items.data?.items.find((i) => i.code === v)?.uom ?? "");
        }}
        error={errors.item}
        nothingFoundMessage="No item matches"
      />
      <TextInput
        label="Quantity"
        size="lg"
        inputMode="decimal"
        value={quantity}
        error={errors.quantity}
        onChange={(e) => setQuantity(e.currentTarget.value)}
        rightSection={<Text c="gray.7">{unit}</Text>}
        rightSectionWidth={56}
      />
      <LocationSelect label="Location" value={location} onChange={setLocation} error={errors.location} />
      <TextInput
        label="Lot code"
        description="The barcode on the pallet; empty: one is made up"
        size="lg"
        value={code}
        error={errors.code}
        onChange={(e) => setCode(e.currentTarget.value)}
      />
      <Group grow>
        <TextInput label="Supplier" value={supplier} error={errors.supplier} onChange={(e) => setSupplier(e.currentTarget.value)} />
        <TextInput label="Supplier lot" value={supplierLot} error={errors.supplierLot} onChange={(e) => setSupplierLot(e.currentTarget.value)} />
      </Group>
      <Group grow>
        <TextInput label="Expires on" type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
        <Select
          label="Status"
          data={[
            { value: "available", label: "Available" },
            { value: "quarantine", label: "Quarantine (inspect first)" },
          ]}
          value={status}
          allowDeselect={false}
          onChange={(v) => setStatus(v === "quarantine" ? "quarantine" : "available")}
        />
      </Group>
    </ConfirmingDialog>
  );
}

/** A movement's other lot (split off, merged in, issued part), as a link. */
export function RelatedLot({ code }: { code: string | null | undefined }) {
  if (!code) return null;
  return (
    <>
      {" "}
      <Link to={`/material/lots/${encodeURIComponent(code)}`}>{code}</Link>
    </>
  );
}
