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
import { formatDate, formatDateTime, formatDelta, formatQuantity, humanize, lotStatusColor } from "../lib/format";
import { canHold, canRelease } from "../lib/lots";
import { ReceiveLotDialog, RelatedLot, WarehouseActions } from "./lot/WarehouseActions";

export function LotStatusBadge({ status, size = "xl" }: { status: string; size?: "md" | "lg" | "xl" }) {
  return (
    <Badge size={size} color={lotStatusColor(status)} variant="filled" radius="sm" data-testid="lot-status">
      {humanize(status)}
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
  const { can } = useSession();
  const lot = useLot(code);
  const movements = useLotMovements(code, lot.isSuccess);
  const [dialog, setDialog] = useState<"hold" | "release" | null>(null);
  const change = useLotStatusChange(code);

  if (lot.isPending) return <Loading label={`Looking up ${code}…`} />;
  if (lot.isError) return <ProblemAlert error={lot.error} size="xl" onRetry={() => void lot.refetch()} />;
  const l = lot.data;
  const mayHold = can(PERM.lotHold);

  return (
    <Stack>
      <Card withBorder padding="lg" data-testid="lot-card">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text size="sm" c="gray.7" fw={600} tt="uppercase">
              Lot
            </Text>
            <Title order={2} data-testid="lot-code">
              {l.code}
            </Title>
          </div>
          <LotStatusBadge status={l.status} />
        </Group>
        {l.status === "on_hold" && l.hold_reason ? (
          <Alert color="red.9" variant="filled" mt="md" title="Reason for the hold" data-testid="hold-reason">
            <Text size="lg" c="white" fw={600}>
              {l.hold_reason}
            </Text>
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 2, md: 4 }} mt="lg" spacing="lg">
          <Field label="Item">{l.item}</Field>
          <Field label="Quantity">
            <span data-testid="lot-quantity">{formatQuantity(l.quantity, l.uom)}</span>
          </Field>
          <Field label="Location">
            <span data-testid="lot-location">{l.location}</span>
          </Field>
          <Field label="Expires">{formatDate(l.expires_on)}</Field>
          <Field label="Received">{formatDateTime(l.received_at)}</Field>
          <Field label="Supplier">{l.supplier ?? "—"}</Field>
          <Field label="Supplier lot">{l.supplier_lot ?? "—"}</Field>
          <Field label="Parent lot">
            {l.parent_lot ? <Link to={`/material/lots/${encodeURIComponent(l.parent_lot)}`}>{l.parent_lot}</Link> : "—"}
          </Field>
          {l.work_order ? (
            <Field label="Issued to">
              <span data-testid="lot-work-order">{l.work_order}</span>
            </Field>
          ) : null}
          <Field label="Genealogy">
            <Link to={`/traceability/${encodeURIComponent(l.code)}`} data-testid="lot-trace-link">
              Trace this lot
            </Link>
          </Field>
        </SimpleGrid>
        {mayHold ? (
          <Group mt="xl">
            {canHold(l.status) ? (
              <Button size="xl" color="red.9" onClick={() => setDialog("hold")}>
                Hold lot
              </Button>
            ) : null}
            {canRelease(l.status) ? (
              <Button size="xl" color="green.9" onClick={() => setDialog("release")}>
                Release lot
              </Button>
            ) : null}
          </Group>
        ) : null}
        <WarehouseActions lot={l} />
      </Card>
      {dialog ? (
        <ReasonDialog
          title={`${dialog === "hold" ? "Hold" : "Release"} lot ${l.code}`}
          confirmLabel={dialog === "hold" ? "Hold lot" : "Release lot"}
          color={dialog === "hold" ? "red.9" : "green.9"}
          onConfirm={async (reason) => {
            const updated = await change.mutateAsync({ action: dialog, reason });
            notifications.show({
              color: updated.status === "on_hold" ? "red.9" : "green.9",
              title: `Lot ${updated.code}`,
              message: humanize(updated.status),
            });
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}

      <Title order={3}>History</Title>
      {movements.isPending ? <Loading label="Loading the history…" /> : null}
      {movements.isError ? <ProblemAlert error={movements.error} onRetry={() => void movements.refetch()} /> : null}
      {movements.data ? (
        movements.data.length === 0 ? (
          <Text c="gray.7">No movements yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="sm" fz="md" data-testid="lot-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th ta="right">Change</Table.Th>
                  <Table.Th>From → to</Table.Th>
                  <Table.Th>Work order</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...movements.data].reverse().map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{formatDateTime(m.at)}</Table.Td>
                    <Table.Td fw={600}>
                      {humanize(m.kind)}
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

const FILTERS: { value: LotStatusFilter; label: string }[] = [
  { value: "on_hold", label: "On hold" },
  { value: "quarantine", label: "Quarantine" },
  { value: "available", label: "Available" },
  { value: "all", label: "All" },
];

function LotList() {
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
          <Title order={3}>Lots{location ? ` at ${location}` : ""}</Title>
          {location ? (
            <Button variant="subtle" onClick={() => setParams({}, { replace: true })}>
              Every location
            </Button>
          ) : null}
        </Group>
        <Group>
          <SegmentedControl
            size="md"
            value={status}
            onChange={(v) => setStatus(v as LotStatusFilter)}
            data={FILTERS}
          />
          {can(PERM.lotReceive) ? (
            <Button size="md" onClick={() => setReceiving(true)}>
              Receive lot
            </Button>
          ) : null}
        </Group>
      </Group>
      {receiving ? <ReceiveLotDialog onClose={() => setReceiving(false)} /> : null}
      {lots.isPending ? <Loading /> : null}
      {lots.isError ? <ProblemAlert error={lots.error} onRetry={() => void lots.refetch()} /> : null}
      {lots.data ? (
        lots.data.items.length === 0 ? (
          <Text c="gray.7">No lots {status === "all" ? "yet" : `with status ${humanize(status).toLowerCase()}`}.</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" fz="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Lot</Table.Th>
                  <Table.Th>Item</Table.Th>
                  <Table.Th ta="right">Quantity</Table.Th>
                  <Table.Th>Location</Table.Th>
                  <Table.Th>Status</Table.Th>
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
  const { code } = useParams();
  const navigate = useNavigate();
  return (
    <Stack gap="lg" maw={1200}>
      <Title order={2}>Material lots</Title>
      <ScanField
        key={code ?? ""}
        label="Lot code"
        onScan={(scanned) => navigate(`/material/lots/${encodeURIComponent(scanned)}`)}
      />
      {code ? <LotDetails code={code} /> : <LotList />}
    </Stack>
  );
}
