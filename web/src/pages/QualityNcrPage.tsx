import { Alert, Anchor, Badge, Button, Card, Code, Group, Modal, NumberInput, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { session } from "../auth/session";
import { useCapas, useNcr, useSignedDisposition, type Disposition, type Ncr } from "../api/quality";
import { useWorkOrder } from "../api/workOrders";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDateTime, humanize } from "../lib/format";

const DISPOSITIONS: { value: Disposition; label: string }[] = [
  { value: "use_as_is", label: "Use as is (release)" },
  { value: "partial", label: "Partial: release part, scrap part" },
  { value: "scrap", label: "Scrap" },
  { value: "rework", label: "Rework: back to an operation of the work order (lots stay held)" },
  { value: "return_to_supplier", label: "Return to supplier (the held lots ship back)" },
];

/** The signature dialog: the meaning is shown before signing; user name and password are asked. */
function SignDialog({ ncr, onClose }: { ncr: Ncr; onClose: () => void }) {
  const sign = useSignedDisposition(ncr);
  const [disposition, setDisposition] = useState<Disposition>("partial");
  const [reason, setReason] = useState("");
  const [username, setUsername] = useState(session.getState().claims?.sub ?? "");
  const [password, setPassword] = useState("");
  const [lot, setLot] = useState<string | null>(ncr.held_lots[0] ?? null);
  const [scrap, setScrap] = useState<string | number>("");
  const [reworkOp, setReworkOp] = useState<string | null>(ncr.operation ?? null);
  const [reworkQty, setReworkQty] = useState<string | number>("");
  const [supplier, setSupplier] = useState("");
  const order = useWorkOrder(disposition === "rework" ? (ncr.work_order ?? undefined) : undefined);
  const partial = disposition === "partial";
  const rework = disposition === "rework";
  // rework goes back: the NCR's own operation or one before it on the order
  const sender = order.data?.operations.find((o) => o.key === ncr.operation);
  const reworkChoices = (order.data?.operations ?? [])
    .filter((o) => sender === undefined || o.position <= sender.position)
    .map((o) => ({ value: o.key, label: `${o.key} · ${o.name}` }));
  const ready =
    reason.trim() &&
    username &&
    password &&
    (!partial || (lot && Number(scrap) > 0)) &&
    (!rework || (ncr.work_order && reworkOp));
  return (
    <Modal opened onClose={onClose} title={`Sign the disposition of ${ncr.number}`} size="lg">
      <Stack>
        <Select label="Disposition" data={DISPOSITIONS} value={disposition} onChange={(v) => v && setDisposition(v as Disposition)} allowDeselect={false} />
        {partial ? (
          <Group grow>
            <Select label="Lot to split" data={ncr.held_lots} value={lot} onChange={setLot} />
            <NumberInput label="Quantity to scrap" value={scrap} onChange={setScrap} min={0} decimalScale={6} />
          </Group>
        ) : null}
        {rework && !ncr.work_order ? (
          <Alert color="orange" variant="light">
            {ncr.number} is on no work order: there is no operation to rework it at.
          </Alert>
        ) : null}
        {rework && ncr.work_order ? (
          <Group grow>
            <Select
              label="Back to operation"
              description={`of ${ncr.work_order}`}
              data={reworkChoices}
              value={reworkOp}
              onChange={setReworkOp}
              disabled={order.isPending}
              data-testid="rework-operation"
            />
            <NumberInput
              label="Quantity to rework"
              description="Empty: what the NCR's lots hold"
              value={reworkQty}
              onChange={setReworkQty}
              min={0}
              decimalScale={6}
            />
          </Group>
        ) : null}
        {disposition === "return_to_supplier" ? (
          <TextInput
            label="Supplier"
            description="Empty: each lot goes back to the supplier it came from"
            value={supplier}
            onChange={(e) => setSupplier(e.currentTarget.value)}
          />
        ) : null}
        {order.isError ? <ProblemAlert error={order.error} /> : null}
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Alert color="blue" variant="light" data-testid="signature-meaning">
          By signing you approve the disposition “{humanize(disposition)}” of {ncr.number} as shown on this page
          (held lots {ncr.held_lots.join(", ") || "none"}). Your signature is bound to this content.
        </Alert>
        <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />
        <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />
        {sign.isError ? <ProblemAlert error={sign.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!ready}
            loading={sign.isPending}
            onClick={() =>
              sign.mutate(
                {
                  disposition,
                  reason,
                  username,
                  password,
                  lot: lot ?? undefined,
                  scrapQuantity: String(scrap),
                  reworkOperation: reworkOp ?? undefined,
                  reworkQuantity: reworkQty === "" ? undefined : String(reworkQty),
                  supplier: supplier.trim() || undefined,
                },
                { onSuccess: onClose },
              )
            }
          >
            Sign and apply
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The CAPAs opened for this NCR, and the way to open one. */
function NcrCapas({ ncr }: { ncr: string }) {
  const capas = useCapas({ ncr });
  return (
    <Card withBorder data-testid="ncr-capas">
      <Group justify="space-between">
        <Title order={3}>Corrective and preventive actions</Title>
        <Button component={Link} to={`/quality/capas?ncr=${ncr}`} variant="light">
          Open a CAPA…
        </Button>
      </Group>
      {capas.isError ? <ProblemAlert error={capas.error} /> : null}
      <Group mt="sm">
        {(capas.data?.items ?? []).map((c) => (
          <Anchor key={c.number} component={Link} to={`/quality/capas/${c.number}`} fw={700}>
            {c.number} · {c.title} ({humanize(c.status)})
          </Anchor>
        ))}
        {capas.data && capas.data.items.length === 0 ? <Text c="dimmed">None yet.</Text> : null}
      </Group>
    </Card>
  );
}

export function QualityNcrPage() {
  const { number } = useParams();
  const ncr = useNcr(number);
  const [signing, setSigning] = useState(false);
  if (ncr.isPending) return <Loading label={`Loading ${number}…`} />;
  if (ncr.isError) return <ProblemAlert error={ncr.error} onRetry={() => void ncr.refetch()} />;
  const n = ncr.data;
  const planCode = String(n.evidence.plan ?? "").split(" ")[0];
  const results = (n.evidence.results ?? []) as { characteristic: string; values: number[]; lsl: number | null; usl: number | null; passed: boolean; violations: { rule: string; description: string }[] }[];
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{n.number}</Title>
        <Badge size="xl" data-testid="ncr-status" color={n.status === "open" ? "red.9" : "green.8"}>
          {humanize(n.status)}
        </Badge>
      </Group>
      <Text size="lg" fw={600}>
        {n.title}
      </Text>
      <Card withBorder>
        <Title order={3}>Evidence</Title>
        <Text>
          Opened {formatDateTime(n.opened_at)} by {n.opened_by} · {n.item} {n.work_order ? `· ${n.work_order}/${n.operation}` : ""}
          {n.evidence.equipment ? ` · equipment ${String(n.evidence.equipment)}` : ""}
          {n.evidence.operator ? ` · operator ${String(n.evidence.operator)}` : ""}
          {n.evidence.gauge ? ` · gauge ${String(n.evidence.gauge)}` : ""}
        </Text>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Characteristic</Table.Th>
              <Table.Th>Values</Table.Th>
              <Table.Th>Specification</Table.Th>
              <Table.Th>Judgement</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((r) => (
              <Table.Tr key={r.characteristic}>
                <Table.Td>
                  {r.characteristic}{" "}
                  <Anchor component={Link} to={`/quality/spc/${planCode}/${r.characteristic}`} size="sm">
                    SPC chart
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.values.join(", ")}</Table.Td>
                <Table.Td>
                  {r.lsl ?? "−∞"} … {r.usl ?? "+∞"}
                </Table.Td>
                <Table.Td>
                  {r.passed ? "in specification" : "OUT of specification"}
                  {r.violations.map((v) => ` · rule ${v.rule}: ${v.description}`).join("")}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder data-testid="held-material">
        <Title order={3}>Held material</Title>
        <Group>
          {n.held_lots.map((lot) => (
            <Anchor key={lot} component={Link} to={`/material/lots/${lot}`} fw={700}>
              {lot}
            </Anchor>
          ))}
          {n.work_order_held ? <Badge color="orange">Work order {n.work_order} on quality hold</Badge> : null}
        </Group>
      </Card>
      {n.disposition ? (
        <Alert color="green.8" variant="filled" data-testid="ncr-disposition">
          <Text c="white" fw={700} size="lg">
            {humanize(String(n.disposition.disposition))}, signed by {String(n.disposition.signed_by)}: {String(n.disposition.reason)}
          </Text>
          <Code block>{JSON.stringify(n.disposition, null, 2)}</Code>
        </Alert>
      ) : (
        <Button size="lg" onClick={() => setSigning(true)}>
          Disposition…
        </Button>
      )}
      {signing ? <SignDialog ncr={n} onClose={() => setSigning(false)} /> : null}
      <NcrCapas ncr={n.number} />
    </Stack>
  );
}
