import { Alert, Button, Card, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRef, useState } from "react";
import { api, call } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Operation, WorkOrder } from "../../api/workOrders";
import { newKey } from "../../lib/commandQueue";
import { formatForInput, formatQuantity } from "../../lib/format";
import { parseQuantity } from "../../lib/forms";
import { materialsToConsume, type MaterialToConsume } from "../../lib/materials";
import { useOrderConsumptions, useUnits } from "../../lib/stationData";
import { opPath, useStationCommand } from "../../lib/useStationCommand";
import { ProblemAlert } from "../ProblemAlert";
import { ScanField } from "../ScanField";

interface Answer {
  lot: string;
  item: string;
  quantity: string;
  uom: string;
  remaining: string;
}

interface Scanned {
  lot: string;
  /** the BOM line the lot is for; unknown when the lot could not be looked up (offline) */
  material: MaterialToConsume | null;
  inLot: string | null;
}

/**
 * The materials the operation still has to consume (per the BOM: per piece, for the operation's
 * quantity, consumed so far, still to consume) and the scan that consumes them. A scanned lot
 * suggests what is still to consume of its item (at most what the lot holds); the button says
 * what it will book. A quantity typed before the scan is booked at once with each scan.
 */
export function ConsumeBox({ order, op }: { order: WorkOrder; op: Operation }) {
  const { t } = useTranslation();
  const units = useUnits();
  const consumptions = useOrderConsumptions(order.number);
  const rows = materialsToConsume(op, consumptions.data?.items ?? [], units.data);
  const command = useStationCommand();
  const [quantity, setQuantity] = useState("");
  // typed before any scan: booked with each scan; else the quantity was suggested for the scanned lot
  const [perScan, setPerScan] = useState(false);
  const [quantityError, setQuantityError] = useState<string | null>(null);
  const [scanned, setScanned] = useState<Scanned | null>(null);
  const [lookupError, setLookupError] = useState<unknown>(null);
  const [done, setDone] = useState<Answer | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const key = useRef(newKey());

  const materialFor = (item: string | null): MaterialToConsume | null =>
    rows.find((r) => r.item === item) ?? (item === null && rows.length === 1 ? (rows[0] ?? null) : null);

  const book = async (lot: string, material: MaterialToConsume | null, typed: string) => {
    const decimals = material?.decimals ?? 6;
    const uom = material?.uom ?? "";
    const parsed = parseQuantity(typed, { decimals, uom: uom || undefined });
    if (parsed.error !== null || Number(parsed.value) <= 0) {
      setQuantityError(parsed.error ?? t("station.consume.aboveZero"));
      return;
    }
    const q = parsed.value;
    const shown = formatQuantity(q, uom || null, undefined, decimals);
    setDone(null);
    setQueued(null);
    try {
      const result = await command.run({
        key: key.current,
        kind: "consume",
        path: opPath(order.number, op.key, "consume"),
        body: { lot, quantity: q },
        label: t("station.consume.cmd", { quantity: shown, lot }),
        workOrder: order.number,
        operation: op.key,
      });
      if (result.queued) setQueued(t("station.consume.queued", { quantity: shown, lot }));
      else setDone(result.body as Answer);
      key.current = newKey();
      setScanned(null);
      if (!perScan) setQuantity(""); // a suggestion was for that lot only
    } catch {
      // the refusal is shown; scanning again is another consumption
      key.current = newKey();
    }
  };

  const onScan = async (lot: string) => {
    command.reset();
    setLookupError(null);
    setQuantityError(null);
    key.current = newKey(); // each scan is one consumption
    let item: string | null = null;
    let inLot: string | null = null;
    try {
      const found = await call(api.GET("/api/v1/material/lots/{code}", { params: { path: { code: lot } } }));
      item = found.item;
      inLot = found.quantity;
    } catch (e) {
      // offline the lot can't be looked up: the operator still books it, the server checks it on arrival
      if (!(e instanceof ApiError && e.status === 0)) {
        setLookupError(e);
        return;
      }
    }
    const material = materialFor(item);
    if (perScan && quantity.trim()) {
      await book(lot, material, quantity);
      return;
    }
    setScanned({ lot, material, inLot });
    if (material) {
      const suggest = inLot !== null && Number(inLot) < Number(material.remaining) ? inLot : material.remaining;
      setQuantity(Number(suggest) > 0 ? formatForInput(suggest, material.decimals) : "");
    }
  };

  const uom = scanned?.material?.uom ?? "";
  const parsed = scanned ? parseQuantity(quantity, { decimals: scanned.material?.decimals ?? 6 }) : null;
  const buttonLabel =
    scanned && parsed?.value
      ? t("station.consume.button", { quantity: formatQuantity(parsed.value, uom || null, undefined, scanned.material?.decimals), lot: scanned.lot })
      : scanned
        ? t("station.consume.buttonNoQuantity", { lot: scanned.lot })
        : null;

  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>{t("station.consume.title")}</Title>
        {rows.length ? (
          <Table fz="lg" striped data-testid="materials-to-consume">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("station.consume.colItem")}</Table.Th>
                <Table.Th>{t("station.consume.colPerPiece")}</Table.Th>
                <Table.Th>{t("station.consume.colFor", { quantity: formatQuantity(op.quantity, order.uom) })}</Table.Th>
                <Table.Th>{t("station.consume.colConsumed")}</Table.Th>
                <Table.Th>{t("station.consume.colStill")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.item} data-testid={`material-${r.item}`}>
                  <Table.Td fw={700}>{r.item}</Table.Td>
                  <Table.Td>{formatQuantity(r.perPiece, r.uom)}</Table.Td>
                  <Table.Td>{formatQuantity(r.required, r.uom, undefined, r.decimals)}</Table.Td>
                  <Table.Td>{formatQuantity(r.consumed, r.uom, undefined, r.decimals)}</Table.Td>
                  <Table.Td fw={800} data-testid="material-remaining">
                    {formatQuantity(r.remaining, r.uom, undefined, r.decimals)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="gray.8">{t("station.consume.noMaterials")}</Text>
        )}
        <ScanField
          label={t("station.consume.scanLot")}
          busy={command.busy}
          onScan={(lot) => void onScan(lot)}
          submitLabel={t("station.consume.useLot")}
        />
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={scanned ? (uom ? t("station.consume.quantityUom", { uom }) : t("station.consume.quantity")) : t("station.consume.quantityPerScan")}
            description={scanned ? undefined : t("station.consume.perScanHint")}
            size="xl"
            inputMode="decimal"
            w={280}
            value={quantity}
            onChange={(e) => {
              setQuantity(e.currentTarget.value);
              setQuantityError(null);
              if (!scanned) setPerScan(e.currentTarget.value.trim() !== "");
              key.current = newKey();
            }}
            error={quantityError}
            data-testid="consume-quantity"
          />
          {scanned && buttonLabel ? (
            <Button
              size="xl"
              h={60}
              color="green.9"
              loading={command.busy}
              onClick={() => void book(scanned.lot, scanned.material, quantity)}
              data-testid="consume-button"
            >
              {buttonLabel}
            </Button>
          ) : null}
        </Group>
        {scanned && !scanned.material ? (
          <Text c="orange.9" fw={700}>
            {scanned.inLot === null
              ? t("station.consume.offlineLot", { lot: scanned.lot })
              : t("station.consume.foreignLot", { lot: scanned.lot })}
          </Text>
        ) : null}
        {lookupError ? <ProblemAlert error={lookupError} size="xl" title={t("station.consume.refused")} /> : null}
        {command.error ? <ProblemAlert error={command.error} size="xl" title={t("station.consume.refused")} /> : null}
        {queued ? (
          <Alert color="orange.9" variant="filled" role="status" data-testid="consume-queued">
            <Text size="xl" fw={700} c="white">
              {queued}
            </Text>
          </Alert>
        ) : null}
        {done ? (
          <Alert color="green.9" variant="filled" role="status" data-testid="consume-result">
            <Text size="xl" fw={700} c="white">
              {t("station.consume.done", {
                quantity: formatQuantity(done.quantity, done.uom, undefined, materialFor(done.item)?.decimals),
                lot: done.lot,
                item: done.item,
                remaining: formatQuantity(done.remaining, done.uom, undefined, materialFor(done.item)?.decimals),
              })}
            </Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
