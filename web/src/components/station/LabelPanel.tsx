import { Alert, Button, Card, Group, Select, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, call } from "../../api/client";
import { formatQuantity } from "../../lib/format";
import { ProblemAlert } from "../ProblemAlert";
import { fetchBlob } from "./StepsPanel";

/** The lots (serials) an order made of its product: the finished lot appears once material made it. */
export function useFinishedLots(workOrder: string, product: string) {
  return useQuery({
    queryKey: ["material", "lots", "made-by", workOrder, product],
    queryFn: () =>
      call(api.GET("/api/v1/material/lots", { params: { query: { work_order: workOrder, item: product, limit: 100 } } })),
    // material makes the finished lot from the completion event: ask again until it is there
    refetchInterval: (q) => ((q.state.data?.items.length ?? 0) > 0 ? false : 2000),
  });
}

function usePrinters() {
  return useQuery({
    queryKey: ["material", "label-printers"],
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/material/label-printers")),
  });
}

/** The label as a PDF in a new tab, to print from the browser. */
export async function openLabel(code: string): Promise<void> {
  const blob = await fetchBlob(`/api/v1/material/lots/${encodeURIComponent(code)}/label`);
  const url = URL.createObjectURL(blob);
  window.open(url, "_blank", "noopener");
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function LotLabel({ code, quantity, uom, expires, printers }: { code: string; quantity: string; uom: string; expires: string | null; printers: { value: string; label: string }[] }) {
  const { t } = useTranslation();
  const [picked, setPrinter] = useState<string | null>(null);
  // the first printer until the operator picks another (the list may arrive after the lot)
  const printer = picked ?? printers[0]?.value ?? null;
  const open = useMutation({ mutationFn: () => openLabel(code) });
  const print = useMutation({
    mutationFn: (p: string) =>
      call(api.POST("/api/v1/material/lots/{code}/label/print", { params: { path: { code } }, body: { printer: p, copies: 1 } })),
  });
  return (
    <Card withBorder padding="sm" data-testid={`finished-lot-${code}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="xl" fw={800} data-testid="finished-lot-code">
            {code}
          </Text>
          <Text size="xl" fw={700}>
            {formatQuantity(quantity, uom)}
            {expires ? ` · ${t("station.labels.expires", { date: expires })}` : ""}
          </Text>
        </Group>
        <Group gap="md" align="flex-end">
          <Button size="xl" h={64} color="blue.9" loading={open.isPending} onClick={() => open.mutate()} data-testid="label-pdf">
            {t("station.labels.openPdf")}
          </Button>
          {printers.length ? (
            <>
              <Select
                size="xl"
                label={t("station.labels.printer")}
                data={printers}
                value={printer}
                onChange={setPrinter}
                allowDeselect={false}
                w={260}
                data-testid="label-printer"
              />
              <Button
                size="xl"
                h={64}
                color="teal.9"
                disabled={!printer}
                loading={print.isPending}
                onClick={() => printer && print.mutate(printer)}
                data-testid="label-print"
              >
                {t("station.labels.print")}
              </Button>
            </>
          ) : null}
        </Group>
        {open.isError ? <ProblemAlert error={open.error} title={t("station.labels.cantOpen")} /> : null}
        {print.isError ? <ProblemAlert error={print.error} size="xl" title={t("station.labels.notPrinted")} /> : null}
        {print.isSuccess ? (
          <Alert color="green.9" variant="filled" role="status" data-testid="label-printed">
            <Text size="lg" fw={700} c="white">
              {t("station.labels.sent", { lot: print.data.lot, printer: print.data.printer })}
            </Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}

/** At a completed order: its finished lot(s) with their labels, to open as PDF or send to a printer. */
export function LabelPanel({ workOrder, product }: { workOrder: string; product: string }) {
  const { t } = useTranslation();
  const lots = useFinishedLots(workOrder, product);
  const printers = usePrinters();
  const options = (printers.data ?? []).map((p) => ({ value: p.code, label: p.name }));
  return (
    <Card withBorder padding="md" data-testid="label-panel">
      <Stack gap="sm">
        <Title order={3}>{t("station.labels.title")}</Title>
        {lots.isError ? <ProblemAlert error={lots.error} onRetry={() => void lots.refetch()} /> : null}
        {lots.data && lots.data.items.length === 0 ? (
          <Text size="lg" c="gray.8">
            {t("station.labels.beingMade", { order: workOrder })}
          </Text>
        ) : null}
        {(lots.data?.items ?? []).map((l) => (
          <LotLabel key={l.code} code={l.code} quantity={l.quantity} uom={l.uom} expires={l.expires_on} printers={options} />
        ))}
      </Stack>
    </Card>
  );
}
