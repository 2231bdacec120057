import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import {
  useLot,
  useLotMovements,
  useLots,
  useLotStatusChange,
  type LotStatusFilter,
} from "../api/material";
import { PERM } from "../auth/permissions";
import { useSession } from "../auth/useSession";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { ScanField } from "../components/ScanField";
import { codeLabel } from "../i18n";
import { formatDate, formatDateTime, formatDelta, formatQuantity, lotStatusColor } from "../lib/format";
import { canHold, canRelease } from "../lib/lots";
import { ReceiveLotDialog, RelatedLot, WarehouseActions } from "./lot/WarehouseActions";

export function LotStatusBadge({ status, size = "xl" }: { status: string; size?: "md" | "lg" | "xl" }) {
  return (
    <Badge size={size} color={lotStatusColor(status)} variant="filled" radius="sm" data-testid="lot-status">
      {codeLabel("lotStatus", status)}
    </Badge>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" c="gray.7" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {children}
      </Text>
    </div>
  );
}

function LotDetails({ code }: { code: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const lot = useLot(code);
  const movements = useLotMovements(code, lot.isSuccess);
  const [dialog, setDialog] = useState<"hold" | "release" | null>(null);
  const change = useLotStatusChange(code);

  if (lot.isPending) return <Loading label={t("lot.details.lookingUp", { code })} />;
  if (lot.isError) return <ProblemAlert error={lot.error} size="xl" onRetry={() => void lot.refetch()} />;
  const l = lot.data;
  const mayHold = can(PERM.lotHold);

  return (
    <Stack>
      <Card withBorder padding="lg" data-testid="lot-card">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="gray.7" fw={600} tt="uppercase">
              {t("common.lot")}
            </Text>
            <Title order={2} data-testid="lot-code">
              {l.code}
            </Title>
          </div>
          <LotStatusBadge status={l.status} />
        </Group>
        {l.status === "on_hold" && l.hold_reason ? (
          <Alert color="red.9" variant="filled" mt="md" title={t("lot.details.holdReason")} data-testid="hold-reason">
            <Text size="lg" c="white" fw={600}>
              {l.hold_reason}
            </Text>
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 2, md: 4 }} mt="lg" spacing="lg">
          <Field label={t("common.item")}>{l.item}</Field>
          <Field label={t("common.quantity")}>
            <span data-testid="lot-quantity">{formatQuantity(l.quantity, l.uom)}</span>
          </Field>
          <Field label={t("common.location")}>
            <span data-testid="lot-location">{l.location}</span>
          </Field>
          <Field label={t("lot.details.expires")}>{formatDate(l.expires_on)}</Field>
          <Field label={t("lot.details.received")}>{formatDateTime(l.received_at)}</Field>
          <Field label={t("lot.details.supplier")}>{l.supplier ?? "—"}</Field>
          <Field label={t("lot.details.supplierLot")}>{l.supplier_lot ?? "—"}</Field>
          <Field label={t("lot.details.parentLot")}>
            {l.parent_lot ? <Link to={`/material/lots/${encodeURIComponent(l.parent_lot)}`}>{l.parent_lot}</Link> : "—"}
          </Field>
          {l.work_order ? (
            <Field label={t("lot.details.issuedTo")}>
              <span data-testid="lot-work-order">{l.work_order}</span>
            </Field>
          ) : null}
          <Field label={t("lot.details.genealogy")}>
            <Link to={`/traceability/${encodeURIComponent(l.code)}`} data-testid="lot-trace-link">
              {t("lot.details.trace")}
            </Link>
          </Field>
        </SimpleGrid>
        {mayHold ? (
          <Group mt="xl">
            {canHold(l.status) ? (
              <Button size="xl" color="red.9" onClick={() => setDialog("hold")}>
                {t("lot.details.hold")}
              </Button>
            ) : null}
            {canRelease(l.status) ? (
              <Button size="xl" color="green.9" onClick={() => setDialog("release")}>
                {t("lot.details.release")}
              </Button>
            ) : null}
          </Group>
        ) : null}
        <WarehouseActions lot={l} />
      </Card>
      {dialog ? (
        <ReasonDialog
          title={t(dialog === "hold" ? "lot.details.holdTitle" : "lot.details.releaseTitle", { code: l.code })}
          confirmLabel={t(dialog === "hold" ? "lot.details.hold" : "lot.details.release")}
          color={dialog === "hold" ? "red.9" : "green.9"}
          onConfirm={async (reason) => {
            const updated = await change.mutateAsync({ action: dialog, reason });
            notifications.show({
              color: updated.status === "on_hold" ? "red.9" : "green.9",
              title: t("lot.details.toastTitle", { code: updated.code }),
              message: codeLabel("lotStatus", updated.status),
            });
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}

      <Title order={3}>{t("lot.history.title")}</Title>
      {movements.isPending ? <Loading label={t("lot.history.loading")} /> : null}
      {movements.isError ? <ProblemAlert error={movements.error} onRetry={() => void movements.refetch()} /> : null}
      {movements.data ? (
        movements.data.length === 0 ? (
          <Text c="gray.7">{t("lot.history.empty")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="sm" fz="md" data-testid="lot-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("common.when")}</Table.Th>
                  <Table.Th>{t("lot.history.what")}</Table.Th>
                  <Table.Th ta="right">{t("lot.history.change")}</Table.Th>
                  <Table.Th>{t("lot.history.fromTo")}</Table.Th>
                  <Table.Th>{t("common.workOrder")}</Table.Th>
                  <Table.Th>{t("common.reason")}</Table.Th>
                  <Table.Th>{t("lot.history.by")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...movements.data].reverse().map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{formatDateTime(m.at)}</Table.Td>
                    <Table.Td fw={600}>
                      {codeLabel("movementKind", m.kind)}
                      <RelatedLot code={m.related_lot} />
                    </Table.Td>
                    <Table.Td ta="right">{formatDelta(m.quantity, l.uom)}</Table.Td>
                    <Table.Td>
                      {m.from_location ?? "—"} → {m.to_location ?? "—"}
                    </Table.Td>
                    <Table.Td>{m.work_order ? `${m.work_order}${m.operation ? ` / ${m.operation}` : ""}` : "—"}</Table.Td>
                    <Table.Td>{m.reason ?? "—"}</Table.Td>
                    <Table.Td>{m.actor}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      ) : null}
    </Stack>
  );
}

const FILTERS: LotStatusFilter[] = ["on_hold", "quarantine", "available", "all"];

function LotList() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const location = params.get("location") ?? "";
  const [status, setStatus] = useState<LotStatusFilter>(location ? "all" : "on_hold");
  const lots = useLots(status, location || undefined);
  const navigate = useNavigate();
  const { can } = useSession();
  const [receiving, setReceiving] = useState(false);
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={3}>{location ? t("lot.list.titleAt", { location }) : t("lot.list.title")}</Title>
          {location ? (
            <Button variant="subtle" onClick={() => setParams({}, { replace: true })}>
              {t("lot.list.everyLocation")}
            </Button>
          ) : null}
        </Group>
        <Group>
          <SegmentedControl
            size="md"
            value={status}
            onChange={(v) => setStatus(v as LotStatusFilter)}
            data={FILTERS.map((f) => ({ value: f, label: f === "all" ? t("common.all") : codeLabel("lotStatus", f) }))}
          />
          {can(PERM.lotReceive) ? (
            <Button size="md" onClick={() => setReceiving(true)}>
              {t("lot.list.receive")}
            </Button>
          ) : null}
        </Group>
      </Group>
      {receiving ? <ReceiveLotDialog onClose={() => setReceiving(false)} /> : null}
      {lots.isPending ? <Loading /> : null}
      {lots.isError ? <ProblemAlert error={lots.error} onRetry={() => void lots.refetch()} /> : null}
      {lots.data ? (
        lots.data.items.length === 0 ? (
          <Text c="gray.7">{t(`lot.list.empty.${status}`)}</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" fz="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("common.lot")}</Table.Th>
                  <Table.Th>{t("common.item")}</Table.Th>
                  <Table.Th ta="right">{t("common.quantity")}</Table.Th>
                  <Table.Th>{t("common.location")}</Table.Th>
                  <Table.Th>{t("common.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lots.data.items.map((l) => (
                  <Table.Tr
                    key={l.code}
                    style={{ cursor: "pointer" }}
                    onClick={() => navigate(`/material/lots/${encodeURIComponent(l.code)}`)}
                  >
                    <Table.Td fw={700}>
                      <Link to={`/material/lots/${encodeURIComponent(l.code)}`}>{l.code}</Link>
                    </Table.Td>
                    <Table.Td>{l.item}</Table.Td>
                    <Table.Td ta="right">{formatQuantity(l.quantity, l.uom)}</Table.Td>
                    <Table.Td>{l.location}</Table.Td>
                    <Table.Td>
                      <LotStatusBadge status={l.status} size="md" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      ) : null}
    </Stack>
  );
}

export function LotPage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const navigate = useNavigate();
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={2}>{t("lot.page.title")}</Title>
      <ScanField
        key={code ?? ""}
        label={t("lot.page.scanLabel")}
        onScan={(scanned) => navigate(`/material/lots/${encodeURIComponent(scanned)}`)}
      />
      {code ? <LotDetails code={code} /> : <LotList />}
    </Stack>
  );
}
