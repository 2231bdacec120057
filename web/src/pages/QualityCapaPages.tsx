import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, PasswordInput, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { session } from "../auth/session";
import { useCapa, useCapaChange, useCapas, useOpenCapa, useSignedCapaClosure, type Capa } from "../api/quality";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { codeLabel } from "../i18n";
import { formatDate, formatDateTime } from "../lib/format";

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return d.toISOString().slice(0, 10);
}

function CapaTable({ capas, testId }: { capas: Capa[]; testId: string }) {
  const { t } = useTranslation();
  if (capas.length === 0) return <Text c="dimmed">{t("quality.workbench.none")}</Text>;
  return (
    <Table striped data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("quality.capa.capa")}</Table.Th>
          <Table.Th>{t("quality.capa.capaTitle")}</Table.Th>
          <Table.Th>{t("quality.capa.ncrs")}</Table.Th>
          <Table.Th>{t("quality.capa.owner")}</Table.Th>
          <Table.Th>{t("inspection.dueBadge")}</Table.Th>
          <Table.Th>{t("common.status")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {capas.map((c) => (
          <Table.Tr key={c.number} data-testid={`capa-${c.number}`}>
            <Table.Td>
              <Anchor component={Link} to={`/quality/capas/${c.number}`} fw={700}>
                {c.number}
              </Anchor>
            </Table.Td>
            <Table.Td>{c.title}</Table.Td>
            <Table.Td>{c.ncrs.join(", ")}</Table.Td>
            <Table.Td>{c.owner}</Table.Td>
            <Table.Td>
              {formatDate(c.due_on)} {c.overdue ? <Badge color="red.9">{t("inspection.overdue")}</Badge> : null}
            </Table.Td>
            <Table.Td>{codeLabel("capaStatus", c.status)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Open a CAPA for an NCR (reached from the NCR page with ?ncr=…). */
function OpenCapaForm({ ncr }: { ncr: string }) {
  const { t } = useTranslation();
  const open = useOpenCapa();
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [problem, setProblem] = useState("");
  const [owner, setOwner] = useState(session.getState().claims?.sub ?? "");
  const [due, setDue] = useState(inDays(30));
  return (
    <Card withBorder data-testid="capa-open-form">
      <Title order={3}>{t("quality.capa.openFor", { ncr })}</Title>
      <Stack mt="sm">
        <TextInput label={t("quality.capa.capaTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput label={t("quality.capa.problem")} value={problem} onChange={(e) => setProblem(e.currentTarget.value)} />
        <Group grow>
          <TextInput label={t("quality.capa.owner")} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
          <TextInput label={t("quality.capa.dueOn")} type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} />
        </Group>
        {open.isError ? <ProblemAlert error={open.error} /> : null}
        <Group justify="flex-end">
          <Button
            disabled={!title.trim() || !owner.trim() || !due}
            loading={open.isPending}
            onClick={() =>
              open.mutate({ title, problem, owner, due_on: due, ncrs: [ncr], actions: [] }, { onSuccess: (c) => void navigate(`/quality/capas/${c.number}`) })
            }
          >
            {t("quality.capa.open")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** CAPAs: the overdue ones first, then all open and closed. */
export function QualityCapaListPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const ncr = params.get("ncr") ?? undefined;
  const overdue = useCapas({ overdue: true });
  const all = useCapas(ncr ? { ncr } : {});
  if (overdue.isPending || all.isPending) return <Loading label={t("quality.capa.loadingList")} />;
  if (overdue.isError) return <ProblemAlert error={overdue.error} onRetry={() => void overdue.refetch()} />;
  if (all.isError) return <ProblemAlert error={all.error} onRetry={() => void all.refetch()} />;
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{t("quality.capa.title")}</Title>
        <Anchor component={Link} to="/quality">
          {t("quality.workbench.title")}
        </Anchor>
      </Group>
      {ncr ? <OpenCapaForm ncr={ncr} /> : null}
      <Card withBorder>
        <Title order={3} mb="sm">
          {t("inspection.overdue")} <Badge size="lg" color="red.9">{overdue.data.total}</Badge>
        </Title>
        <CapaTable capas={overdue.data.items} testId="capas-overdue" />
      </Card>
      <Card withBorder>
        <Title order={3} mb="sm">
          {ncr ? t("quality.capa.ofNcr", { ncr }) : t("quality.capa.all")} <Badge size="lg">{all.data.total}</Badge>
        </Title>
        <CapaTable capas={all.data.items} testId="capas-all" />
      </Card>
    </Stack>
  );
}

function CloseDialog({ capa, onClose }: { capa: Capa; onClose: () => void }) {
  const { t } = useTranslation();
  const close = useSignedCapaClosure(capa);
  const [reason, setReason] = useState("");
  const [username, setUsername] = useState(session.getState().claims?.sub ?? "");
  const [password, setPassword] = useState("");
  return (
    <Modal opened onClose={onClose} title={t("quality.capa.closeTitle", { capa: capa.number })} size="lg">
      <Stack>
        <TextInput label={t("dialog.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Alert color="blue" variant="light" data-testid="capa-signature-meaning">
          {t("quality.capa.meaning", { capa: capa.number, count: capa.actions.length, note: String(capa.effectiveness?.note ?? "") })}
        </Alert>
        <TextInput label={t("signin.username")} value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />
        <PasswordInput label={t("signin.password")} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />
        {close.isError ? <ProblemAlert error={close.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("dialog.cancel")}
          </Button>
          <Button disabled={!reason.trim() || !username || !password} loading={close.isPending} onClick={() => close.mutate({ reason, username, password }, { onSuccess: onClose })}>
            {t("quality.capa.signClose")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** One CAPA: its NCRs, actions (add, mark done), the effectiveness check and the signed closure. */
export function QualityCapaPage() {
  const { t } = useTranslation();
  const { number } = useParams();
  const capa = useCapa(number);
  const change = useCapaChange(number ?? "");
  const [description, setDescription] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState(inDays(14));
  const [effective, setEffective] = useState(true);
  const [note, setNote] = useState("");
  const [closing, setClosing] = useState(false);
  if (capa.isPending) return <Loading label={t("quality.ncr.loading", { number })} />;
  if (capa.isError) return <ProblemAlert error={capa.error} onRetry={() => void capa.refetch()} />;
  const c = capa.data;
  const open = c.status === "open";
  const allDone = c.actions.length > 0 && c.actions.every((a) => a.done_at);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{c.number}</Title>
        <Group>
          {c.overdue ? <Badge size="xl" color="red.9">{t("inspection.overdue")}</Badge> : null}
          <Badge size="xl" data-testid="capa-status" color={open ? "orange.9" : "green.9"}>
            {codeLabel("capaStatus", c.status)}
          </Badge>
        </Group>
      </Group>
      <Text size="lg" fw={600}>
        {c.title}
      </Text>
      <Text>
        {t("quality.capa.summary", { problem: c.problem, owner: c.owner, due: formatDate(c.due_on) })}{" "}
        {c.ncrs.map((n) => (
          <Anchor key={n} component={Link} to={`/quality/ncrs/${n}`} mr="xs">
            {n}
          </Anchor>
        ))}
      </Text>
      <Card withBorder data-testid="capa-actions">
        <Title order={3}>{t("quality.capa.actions")}</Title>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t("quality.capa.action")}</Table.Th>
              <Table.Th>{t("quality.capa.owner")}</Table.Th>
              <Table.Th>{t("inspection.dueBadge")}</Table.Th>
              <Table.Th>{t("quality.capa.done")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.actions.map((a) => (
              <Table.Tr key={a.position} data-testid={`capa-action-${a.position}`}>
                <Table.Td>{a.position}</Table.Td>
                <Table.Td>{a.description}</Table.Td>
                <Table.Td>{a.owner}</Table.Td>
                <Table.Td>
                  {formatDate(a.due_on)} {a.overdue ? <Badge color="red.9">{t("inspection.overdue")}</Badge> : null}
                </Table.Td>
                <Table.Td>
                  {a.done_at ? (
                    t("quality.capa.doneBy", { at: formatDateTime(a.done_at), by: a.done_by })
                  ) : open ? (
                    <Button size="xs" onClick={() => change.mutate({ kind: "done", position: a.position, note: "" })}>
                      {t("quality.capa.markDone")}
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {open ? (
          <Group mt="sm" align="flex-end">
            <TextInput label={t("quality.capa.newAction")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} style={{ flex: 2 }} />
            <TextInput label={t("quality.capa.actionOwner")} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
            <TextInput label={t("quality.capa.actionDueOn")} type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} />
            <Button
              disabled={!description.trim() || !owner.trim() || !due}
              onClick={() => change.mutate({ kind: "action", description, owner, due_on: due }, { onSuccess: () => setDescription("") })}
            >
              {t("quality.capa.addAction")}
            </Button>
          </Group>
        ) : null}
      </Card>
      <Card withBorder data-testid="capa-effectiveness">
        <Title order={3}>{t("quality.capa.effectiveness")}</Title>
        {c.effectiveness ? (
          <Text mt="sm" fw={700} c={c.effectiveness.effective ? "green.9" : "red.9"}>
            {t("quality.capa.checkResult", {
              verdict: c.effectiveness.effective ? t("quality.capa.effective") : t("quality.capa.notEffective"),
              note: String(c.effectiveness.note),
              by: String(c.effectiveness.checked_by),
            })}
          </Text>
        ) : (
          <Text c="dimmed" mt="sm">
            {allDone ? t("quality.capa.notChecked") : t("quality.capa.notCheckedActions")}
          </Text>
        )}
        {open && allDone ? (
          <Group mt="sm" align="flex-end">
            <Checkbox label={t("quality.capa.wereEffective")} checked={effective} onChange={(e) => setEffective(e.currentTarget.checked)} />
            <TextInput label={t("quality.capa.check")} value={note} onChange={(e) => setNote(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button disabled={!note.trim()} onClick={() => change.mutate({ kind: "effectiveness", effective, note })}>
              {t("quality.capa.recordCheck")}
            </Button>
          </Group>
        ) : null}
      </Card>
      {change.isError ? <ProblemAlert error={change.error} /> : null}
      {c.status === "closed" ? (
        <Alert color="green.9" variant="filled" data-testid="capa-closure">
          <Text c="white" fw={700} size="lg">
            {t("quality.capa.closed", { at: formatDateTime(c.closed_at), by: c.closed_by, reason: c.closure_reason })}
          </Text>
        </Alert>
      ) : (
        <Button size="lg" disabled={!allDone || c.effectiveness?.effective !== true} onClick={() => setClosing(true)}>
          {t("quality.capa.closeWithSignature")}
        </Button>
      )}
      {closing ? <CloseDialog capa={c} onClose={() => setClosing(false)} /> : null}
    </Stack>
  );
}
