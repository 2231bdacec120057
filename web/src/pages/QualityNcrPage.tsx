import { Alert, Anchor, Badge, Button, Card, Code, Group, Modal, NumberInput, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { session } from "../auth/session";
import { useCapas, useNcr, useSignedDisposition, type Disposition, type Ncr } from "../api/quality";
import { useWorkOrder } from "../api/workOrders";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { codeLabel } from "../i18n";
import { formatDateTime } from "../lib/format";
import { ruleText } from "./QualitySpcPage";

/** The dispositions in the order offered; each one's label says what it does (quality.ncr.dispositions). */
/** An open end of a specification (no lower or no upper limit). */
const OPEN_END = { lower: "−∞", upper: "+∞" };

const DISPOSITIONS: Disposition[] = ["use_as_is", "partial", "scrap", "rework", "return_to_supplier"];

/** The signature dialog: the meaning is shown before signing; user name and password are asked. */
function SignDialog({ ncr, onClose }: { ncr: Ncr; onClose: () => void }) {
  const { t } = useTranslation();
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
    <Modal opened onClose={onClose} title={t("quality.ncr.signTitle", { ncr: ncr.number })} size="lg">
      <Stack>
        <Select
          label={t("quality.ncr.disposition")}
          data={DISPOSITIONS.map((d) => ({ value: d, label: t(`quality.ncr.dispositions.${d}`) }))}
          value={disposition}
          onChange={(v) => v && setDisposition(v as Disposition)}
          allowDeselect={false}
        />
        {partial ? (
          <Group grow>
            <Select label={t("quality.ncr.lotToSplit")} data={ncr.held_lots} value={lot} onChange={setLot} />
            <NumberInput label={t("quality.ncr.quantityToScrap")} value={scrap} onChange={setScrap} min={0} decimalScale={6} />
          </Group>
        ) : null}
        {rework && !ncr.work_order ? (
          <Alert color="orange" variant="light">
            {t("quality.ncr.noWorkOrder", { ncr: ncr.number })}
          </Alert>
        ) : null}
        {rework && ncr.work_order ? (
          <Group grow>
            <Select
              label={t("quality.ncr.backToOperation")}
              description={t("quality.ncr.ofOrder", { order: ncr.work_order })}
              data={reworkChoices}
              value={reworkOp}
              onChange={setReworkOp}
              disabled={order.isPending}
              data-testid="rework-operation"
            />
            <NumberInput
              label={t("quality.ncr.quantityToRework")}
              description={t("quality.ncr.reworkHint")}
              value={reworkQty}
              onChange={setReworkQty}
              min={0}
              decimalScale={6}
            />
          </Group>
        ) : null}
        {disposition === "return_to_supplier" ? (
          <TextInput
            label={t("quality.ncr.supplier")}
            description={t("quality.ncr.supplierHint")}
            value={supplier}
            onChange={(e) => setSupplier(e.currentTarget.value)}
          />
        ) : null}
        {order.isError ? <ProblemAlert error={order.error} /> : null}
        <TextInput label={t("dialog.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Alert color="blue" variant="light" data-testid="signature-meaning">
          {t("quality.ncr.meaning", {
            disposition: codeLabel("disposition", disposition),
            ncr: ncr.number,
            lots: ncr.held_lots.join(", ") || t("quality.ncr.noLots"),
          })}
        </Alert>
        <TextInput label={t("signin.username")} value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />
        <PasswordInput label={t("signin.password")} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />
        {sign.isError ? <ProblemAlert error={sign.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("dialog.cancel")}
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
            {t("quality.ncr.signApply")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The CAPAs opened for this NCR, and the way to open one. */
function NcrCapas({ ncr }: { ncr: string }) {
  const { t } = useTranslation();
  const capas = useCapas({ ncr });
  return (
    <Card withBorder data-testid="ncr-capas">
      <Group justify="space-between">
        <Title order={3}>{t("quality.capa.title")}</Title>
        <Button component={Link} to={`/quality/capas?ncr=${ncr}`} variant="light">
          {t("quality.ncr.openCapa")}
        </Button>
      </Group>
      {capas.isError ? <ProblemAlert error={capas.error} /> : null}
      <Group mt="sm">
        {(capas.data?.items ?? []).map((c) => (
          <Anchor key={c.number} component={Link} to={`/quality/capas/${c.number}`} fw={700}>
            {c.number} · {c.title} ({codeLabel("capaStatus", c.status)})
          </Anchor>
        ))}
        {capas.data && capas.data.items.length === 0 ? <Text c="dimmed">{t("quality.ncr.noneYet")}</Text> : null}
      </Group>
    </Card>
  );
}

export function QualityNcrPage() {
  const { t } = useTranslation();
  const { number } = useParams();
  const ncr = useNcr(number);
  const [signing, setSigning] = useState(false);
  if (ncr.isPending) return <Loading label={t("quality.ncr.loading", { number })} />;
  if (ncr.isError) return <ProblemAlert error={ncr.error} onRetry={() => void ncr.refetch()} />;
  const n = ncr.data;
  const planCode = String(n.evidence.plan ?? "").split(" ")[0];
  const results = (n.evidence.results ?? []) as { characteristic: string; values: number[]; lsl: number | null; usl: number | null; passed: boolean; violations: { rule: string; description: string }[] }[];
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{n.number}</Title>
        <Badge size="xl" data-testid="ncr-status" color={n.status === "open" ? "red.9" : "green.9"}>
          {codeLabel("ncrStatus", n.status)}
        </Badge>
      </Group>
      <Text size="lg" fw={600}>
        {n.title}
      </Text>
      <Card withBorder>
        <Title order={3}>{t("quality.ncr.evidence")}</Title>
        <Text>
          {t("quality.ncr.opened", { at: formatDateTime(n.opened_at), by: n.opened_by })} · {n.item} {n.work_order ? `· ${n.work_order}/${n.operation}` : ""}
          {n.evidence.equipment ? ` · ${t("quality.ncr.evidenceEquipment", { equipment: String(n.evidence.equipment) })}` : ""}
          {n.evidence.operator ? ` · ${t("quality.ncr.evidenceOperator", { operator: String(n.evidence.operator) })}` : ""}
          {n.evidence.gauge ? ` · ${t("quality.ncr.evidenceGauge", { gauge: String(n.evidence.gauge) })}` : ""}
        </Text>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("quality.ncr.characteristic")}</Table.Th>
              <Table.Th>{t("quality.ncr.values")}</Table.Th>
              <Table.Th>{t("quality.ncr.specification")}</Table.Th>
              <Table.Th>{t("quality.ncr.judgement")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((r) => (
              <Table.Tr key={r.characteristic}>
                <Table.Td>
                  {r.characteristic}{" "}
                  <Anchor component={Link} to={`/quality/spc/${planCode}/${r.characteristic}`} size="sm">
                    {t("quality.ncr.spcChart")}
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.values.join(", ")}</Table.Td>
                <Table.Td>
                  {r.lsl ?? OPEN_END.lower} … {r.usl ?? OPEN_END.upper}
                </Table.Td>
                <Table.Td>
                  {r.passed ? t("quality.ncr.inSpec") : t("quality.ncr.outOfSpec")}
                  {r.violations.map((v) => ` · ${t("quality.spc.ruleShort", { rule: v.rule, description: ruleText(v.rule, v.description) })}`).join("")}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder data-testid="held-material">
        <Title order={3}>{t("quality.ncr.heldMaterial")}</Title>
        <Group>
          {n.held_lots.map((lot) => (
            <Anchor key={lot} component={Link} to={`/material/lots/${lot}`} fw={700}>
              {lot}
            </Anchor>
          ))}
          {n.work_order_held ? <Badge color="orange.9">{t("quality.ncr.orderOnHold", { order: n.work_order })}</Badge> : null}
        </Group>
      </Card>
      {n.disposition ? (
        <Alert color="green.9" variant="filled" data-testid="ncr-disposition">
          <Text c="white" fw={700} size="lg">
            {t("quality.ncr.signedBy", {
              disposition: codeLabel("disposition", String(n.disposition.disposition)),
              by: String(n.disposition.signed_by),
              reason: String(n.disposition.reason),
            })}
          </Text>
          <Code block>{JSON.stringify(n.disposition, null, 2)}</Code>
        </Alert>
      ) : (
        <Button size="lg" onClick={() => setSigning(true)}>
          {t("quality.ncr.dispositionButton")}
        </Button>
      )}
      {signing ? <SignDialog ncr={n} onClose={() => setSigning(false)} /> : null}
      <NcrCapas ncr={n.number} />
    </Stack>
  );
}
