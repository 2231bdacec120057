import { Button, Group, Modal, Paper, Select, Stack, TagsInput, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
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
import i18n, { codeLabel } from "../../i18n";
import { formatQuantity } from "../../lib/format";
import { CODE_PATTERN, parseDecimal, validateReason } from "../../lib/forms";

export type ActionName = WarehouseAction["action"];

/** The catalogue key of each action's name (lot.actions.names.*). */
const LABELS: Record<ActionName, string> = {
  move: "lot.actions.names.move",
  split: "lot.actions.names.split",
  merge: "lot.actions.names.merge",
  adjust: "lot.actions.names.adjust",
  scrap: "lot.actions.names.scrap",
  issue: "lot.actions.names.issue",
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
  if (v === null || Number(v) <= 0) return [null, i18n.t("lot.actions.errors.aboveZero", { what })];
  if (max !== undefined && Number(v) > Number(max)) return [null, i18n.t("lot.actions.errors.holdsOnlyField", { what, max })];
  return [v, null];
}

function optionalCode(text: string): string | null {
  const v = text.trim();
  if (!v) return null;
  return CODE_PATTERN.test(v) ? null : i18n.t("forms.codeInvalid", { code: v });
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
  const { t } = useTranslation();
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
                {t("dialog.cancel")}
              </Button>
              <Button type="submit" size="lg" color={color}>
                {t("lot.actions.continue")}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          {failure ? <ProblemAlert error={failure} /> : null}
          <Paper withBorder p="md" data-testid="confirm-summary">
            <Text fw={700} c="gray.7" tt="uppercase" size="sm">
              {t("lot.actions.pleaseConfirm")}
            </Text>
            <Text size="lg" fw={600} mt={4}>
              {summary()}
            </Text>
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" size="lg" onClick={() => setStep("form")} disabled={busy}>
              {t("common.back")}
            </Button>
            <Button size="lg" color={color} loading={busy} onClick={() => void confirm()}>
              {t("lot.actions.confirm")}
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
  label,
}: {
  value: string | null;
  onChange: (v: string | null) => void;
  error?: string | null;
  exclude?: string;
  label?: string;
}) {
  const { t } = useTranslation();
  const locations = useAllLocations();
  return (
    <Select
      label={label ?? t("lot.actions.toLocation")}
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
  const { t } = useTranslation();
  return (
    <Textarea
      label={t("common.reason")}
      description={t("dialog.keptInAudit")}
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
  const { t } = useTranslation();
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
      e.to = to ? null : t("lot.actions.errors.chooseTo");
      if (to) req = { action, body: { to_location: to } };
    } else if (action === "split") {
      const [v, err] = positive(quantity, t("common.quantity"), lot.quantity);
      e.quantity = err ?? (v === lot.quantity ? t("lot.actions.errors.leaveSome") : null);
      e.newCode = optionalCode(newCode);
      if (v && !e.quantity && !e.newCode) req = { action, body: { quantity: v, new_code: newCode.trim() || null } };
    } else if (action === "merge") {
      const bad = sources.find((s) => !CODE_PATTERN.test(s));
      e.sources =
        sources.length === 0
          ? t("lot.actions.errors.sourcesMissing")
          : bad
            ? t("lot.actions.errors.sourceInvalid", { code: bad })
            : null;
      if (sources.includes(lot.code)) e.sources = t("lot.actions.errors.mergeSelf");
      if (!e.sources) req = { action, body: { sources } };
    } else if (action === "adjust") {
      const delta = quantity.trim().replace(",", ".");
      const ok = /^-?\d{1,12}(\.\d{1,6})?$/.test(delta) && Number(delta) !== 0;
      e.quantity = ok ? null : t("lot.actions.errors.adjustNumber");
      if (ok && Number(lot.quantity) + Number(delta) < 0) e.quantity = t("lot.actions.errors.holdsOnly", { quantity: q(lot.quantity) });
      e.reason = validateReason(reason);
      if (!e.quantity && !e.reason) req = { action, body: { delta, reason: reason.trim() } };
    } else if (action === "scrap") {
      const [v, err] = positive(quantity, t("common.quantity"), lot.quantity);
      e.quantity = err;
      e.reason = validateReason(reason);
      if (v && !e.quantity && !e.reason) req = { action, body: { quantity: v, reason: reason.trim() } };
    } else {
      e.order = order ? null : t("lot.actions.errors.chooseOrder");
      e.to = to ? null : t("lot.actions.errors.chooseIssueTo");
      const [v, err] = quantity.trim() ? positive(quantity, t("common.quantity"), lot.quantity) : [null, null];
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
        return t("lot.actions.summary.move", {
          code: lot.code,
          quantity: q(lot.quantity),
          from: lot.location,
          to: request.body.to_location,
        });
      case "split": {
        const split = {
          quantity: q(request.body.quantity),
          code: lot.code,
          target: request.body.new_code,
          rest: q(String(Number(lot.quantity) - Number(request.body.quantity))),
        };
        return request.body.new_code ? t("lot.actions.summary.split", split) : t("lot.actions.summary.splitNew", split);
      }
      case "merge":
        return t("lot.actions.summary.merge", { sources: request.body.sources.join(", "), code: lot.code });
      case "adjust":
        return t("lot.actions.summary.adjust", {
          code: lot.code,
          delta: request.body.delta,
          uom: lot.uom,
          quantity: q(lot.quantity),
          reason: request.body.reason,
        });
      case "scrap":
        return t("lot.actions.summary.scrap", { quantity: q(request.body.quantity), code: lot.code, reason: request.body.reason });
      case "issue": {
        const issue = { code: lot.code, order: request.body.work_order, location: request.body.to_location };
        return request.body.quantity
          ? t("lot.actions.summary.issue", { ...issue, quantity: q(request.body.quantity) })
          : t("lot.actions.summary.issueWhole", { ...issue, quantity: q(lot.quantity) });
      }
    }
  };

  const send = async (key: string) => {
    if (!request) return;
    const result = await run.mutateAsync({ action: request, key });
    if (result.code !== lot.code) {
      notifications.show({
        color: "green.9",
        title: t("lot.actions.toastNew", { action: t(LABELS[action]), code: result.code }),
        message: t("lot.actions.toastAt", { quantity: formatQuantity(result.quantity, result.uom), location: result.location }),
      });
    } else {
      notifications.show({
        color: "green.9",
        title: t("lot.actions.toastSame", { action: t(LABELS[action]), code: lot.code }),
        message: t("lot.actions.toastAt", { quantity: formatQuantity(result.quantity, result.uom), location: result.location }),
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
      title={t("lot.actions.dialogTitle", { action: t(LABELS[action]), code: lot.code })}
      color={action === "scrap" ? "red.9" : "blue.9"}
      build={build}
      summary={summary}
      send={send}
      onClose={onClose}
    >
      <Text c="gray.7">
        {t("lot.actions.lotLine", { item: lot.item, quantity: q(lot.quantity), location: lot.location })}
      </Text>
      {action === "move" ? <LocationSelect value={to} onChange={setTo} error={errors.to} exclude={lot.location} /> : null}
      {action === "split" ? (
        <>
          {quantityField(t("lot.actions.splitQuantity"))}
          <TextInput
            label={t("lot.actions.newCode")}
            description={t("lot.actions.madeUp")}
            size="lg"
            value={newCode}
            error={errors.newCode}
            onChange={(e) => setNewCode(e.currentTarget.value)}
          />
        </>
      ) : null}
      {action === "merge" ? (
        <TagsInput
          label={t("lot.actions.sources")}
          description={t("lot.actions.sourcesHint")}
          size="lg"
          data-autofocus
          value={sources}
          onChange={setSources}
          error={errors.sources}
        />
      ) : null}
      {action === "adjust" ? (
        <>
          {quantityField(t("lot.actions.delta"), t("lot.actions.deltaHint"))}
          <ReasonField value={reason} onChange={setReason} error={errors.reason ?? null} />
        </>
      ) : null}
      {action === "scrap" ? (
        <>
          {quantityField(t("lot.actions.scrapQuantity"))}
          <ReasonField value={reason} onChange={setReason} error={errors.reason ?? null} />
        </>
      ) : null}
      {action === "issue" ? (
        <>
          <Select
            label={t("common.workOrder")}
            size="lg"
            searchable
            data-autofocus
            data={(orders.data ?? []).map((o) => ({ value: o.number, label: `${o.number} — ${o.product}` }))}
            value={order}
            onChange={setOrder}
            error={errors.order}
            nothingFoundMessage={t("lot.actions.noOrder")}
          />
          <LocationSelect value={to} onChange={setTo} error={errors.to} exclude={lot.location} />
          {quantityField(t("common.quantity"), t("lot.actions.wholeLot"))}
          {quantity.trim() ? (
            <TextInput
              label={t("lot.actions.issuedCode")}
              description={t("lot.actions.madeUp")}
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
  const { t } = useTranslation();
  const { can } = useSession();
  const [open, setOpen] = useState<ActionName | null>(null);
  const actions = allowedActions(lot, { move: can(PERM.lotMove), adjust: can(PERM.lotAdjust) });
  if (actions.length === 0) return null;
  return (
    <>
      <Group mt="md" data-testid="warehouse-actions">
        {actions.map((a) => (
          <Button key={a} size="lg" variant="outline" color={a === "scrap" ? "red.9" : "blue.9"} onClick={() => setOpen(a)}>
            {t(LABELS[a])}
          </Button>
        ))}
      </Group>
      {open ? <ActionDialog lot={lot} action={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

/** Receive a lot into a location: a new lot, then its page. */
export function ReceiveLotDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
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
    const [v, qErr] = positive(quantity, t("common.quantity"));
    const e = {
      item: item ? null : t("lot.receive.errors.item"),
      quantity: qErr,
      location: location ? null : t("lot.receive.errors.location"),
      code: optionalCode(code),
      supplier: supplier.trim().length > 200 ? t("lot.receive.errors.supplierLong", { n: 200 }) : null,
      supplierLot: supplierLot.trim().length > 64 ? t("lot.receive.errors.supplierLotLong", { n: 64 }) : null,
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
      title={t("lot.receive.title")}
      build={build}
      summary={() =>
        body
          ? t(
              body.status === "quarantine"
                ? body.code
                  ? "lot.receive.summaryCodeQuarantine"
                  : "lot.receive.summaryQuarantine"
                : body.code
                  ? "lot.receive.summaryCode"
                  : "lot.receive.summary",
              {
                quantity: formatQuantity(String(body.quantity), unit),
                item: body.item,
                location: body.location,
                code: body.code,
              },
            )
          : null
      }
      send={async (key) => {
        if (!body) return;
        const lot = await receive.mutateAsync({ body, key });
        notifications.show({ color: "green.9", title: t("lot.receive.received", { code: lot.code }), message: formatQuantity(lot.quantity, lot.uom) });
        navigate(`/material/lots/${encodeURIComponent(lot.code)}`);
      }}
      onClose={onClose}
    >
      <Select
        label={t("common.item")}
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
        nothingFoundMessage={t("lot.receive.noItem")}
      />
      <TextInput
        label={t("common.quantity")}
        size="lg"
        inputMode="decimal"
        value={quantity}
        error={errors.quantity}
        onChange={(e) => setQuantity(e.currentTarget.value)}
        rightSection={<Text c="gray.7">{unit}</Text>}
        rightSectionWidth={56}
      />
      <LocationSelect label={t("common.location")} value={location} onChange={setLocation} error={errors.location} />
      <TextInput
        label={t("lot.page.scanLabel")}
        description={t("lot.receive.codeHint")}
        size="lg"
        value={code}
        error={errors.code}
        onChange={(e) => setCode(e.currentTarget.value)}
      />
      <Group grow>
        <TextInput label={t("lot.details.supplier")} value={supplier} error={errors.supplier} onChange={(e) => setSupplier(e.currentTarget.value)} />
        <TextInput label={t("lot.details.supplierLot")} value={supplierLot} error={errors.supplierLot} onChange={(e) => setSupplierLot(e.currentTarget.value)} />
      </Group>
      <Group grow>
        <TextInput label={t("lot.receive.expiresOn")} type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
        <Select
          label={t("common.status")}
          data={[
            { value: "available", label: codeLabel("lotStatus", "available") },
            { value: "quarantine", label: t("lot.receive.quarantineFirst") },
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
