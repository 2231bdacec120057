import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, PasswordInput, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { session } from "../auth/session";
import { useCapa, useCapaChange, useCapas, useOpenCapa, useSignedCapaClosure, type Capa } from "../api/quality";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDate, formatDateTime, humanize } from "../lib/format";

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return d.toISOString().slice(0, 10);
}

function CapaTable({ capas, testId }: { capas: Capa[]; testId: string }) {
  if (capas.length === 0) return <Text c="dimmed">None.</Text>;
  return (
    <Table striped data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>CAPA</Table.Th>
          <Table.Th>Title</Table.Th>
          <Table.Th>NCRs</Table.Th>
          <Table.Th>Owner</Table.Th>
          <Table.Th>Due</Table.Th>
          <Table.Th>Status</Table.Th>
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
              {formatDate(c.due_on)} {c.overdue ? <Badge color="red.9">Overdue</Badge> : null}
            </Table.Td>
            <Table.Td>{humanize(c.status)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Open a CAPA for an NCR (reached from the NCR page with ?ncr=…). */
function OpenCapaForm({ ncr }: { ncr: string }) {
  const open = useOpenCapa();
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [problem, setProblem] = useState("");
  const [owner, setOwner] = useState(session.getState().claims?.sub ?? "");
  const [due, setDue] = useState(inDays(30));
  return (
    <Card withBorder data-testid="capa-open-form">
      <Title order={3}>Open a CAPA for {ncr}</Title>
      <Stack mt="sm">
        <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput label="Problem" value={problem} onChange={(e) => setProblem(e.currentTarget.value)} />
        <Group grow>
          <TextInput label="Owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
          <TextInput label="Due on" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} />
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
            Open CAPA
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** CAPAs: the overdue ones first, then all open and closed. */
export function QualityCapaListPage() {
  const [params] = useSearchParams();
  const ncr = params.get("ncr") ?? undefined;
  const overdue = useCapas({ overdue: true });
  const all = useCapas(ncr ? { ncr } : {});
  if (overdue.isPending || all.isPending) return <Loading label="Loading CAPAs…" />;
  if (overdue.isError) return <ProblemAlert error={overdue.error} onRetry={() => void overdue.refetch()} />;
  if (all.isError) return <ProblemAlert error={all.error} onRetry={() => void all.refetch()} />;
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Corrective and preventive actions</Title>
        <Anchor component={Link} to="/quality">
          Quality workbench
        </Anchor>
      </Group>
      {ncr ? <OpenCapaForm ncr={ncr} /> : null}
      <Card withBorder>
        <Title order={3} mb="sm">
          Overdue <Badge size="lg" color="red.9">{overdue.data.total}</Badge>
        </Title>
        <CapaTable capas={overdue.data.items} testId="capas-overdue" />
      </Card>
      <Card withBorder>
        <Title order={3} mb="sm">
          {ncr ? `CAPAs of ${ncr}` : "All CAPAs"} <Badge size="lg">{all.data.total}</Badge>
        </Title>
        <CapaTable capas={all.data.items} testId="capas-all" />
      </Card>
    </Stack>
  );
}

function CloseDialog({ capa, onClose }: { capa: Capa; onClose: () => void }) {
  const close = useSignedCapaClosure(capa);
  const [reason, setReason] = useState("");
  const [username, setUsername] = useState(session.getState().claims?.sub ?? "");
  const [password, setPassword] = useState("");
  return (
    <Modal opened onClose={onClose} title={`Sign the closure of ${capa.number}`} size="lg">
      <Stack>
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Alert color="blue" variant="light" data-testid="capa-signature-meaning">
          By signing you approve closing {capa.number} as shown on this page: {capa.actions.length} action(s) done and
          the effectiveness check “{String(capa.effectiveness?.note ?? "")}”. Your signature is bound to this content.
        </Alert>
        <TextInput label="User name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" />
        <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" />
        {close.isError ? <ProblemAlert error={close.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button disabled={!reason.trim() || !username || !password} loading={close.isPending} onClick={() => close.mutate({ reason, username, password }, { onSuccess: onClose })}>
            Sign and close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** One CAPA: its NCRs, actions (add, mark done), the effectiveness check and the signed closure. */
export function QualityCapaPage() {
  const { number } = useParams();
  const capa = useCapa(number);
  const change = useCapaChange(number ?? "");
  const [description, setDescription] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState(inDays(14));
  const [effective, setEffective] = useState(true);
  const [note, setNote] = useState("");
  const [closing, setClosing] = useState(false);
  if (capa.isPending) return <Loading label={`Loading ${number}…`} />;
  if (capa.isError) return <ProblemAlert error={capa.error} onRetry={() => void capa.refetch()} />;
  const c = capa.data;
  const open = c.status === "open";
  const allDone = c.actions.length > 0 && c.actions.every((a) => a.done_at);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{c.number}</Title>
        <Group>
          {c.overdue ? <Badge size="xl" color="red.9">Overdue</Badge> : null}
          <Badge size="xl" data-testid="capa-status" color={open ? "orange" : "green.8"}>
            {humanize(c.status)}
          </Badge>
        </Group>
      </Group>
      <Text size="lg" fw={600}>
        {c.title}
      </Text>
      <Text>
        {c.problem} · owner {c.owner} · due {formatDate(c.due_on)} · NCRs{" "}
        {c.ncrs.map((n) => (
          <Anchor key={n} component={Link} to={`/quality/ncrs/${n}`} mr="xs">
            {n}
          </Anchor>
        ))}
      </Text>
      <Card withBorder data-testid="capa-actions">
        <Title order={3}>Actions</Title>
        <Table mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Done</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.actions.map((a) => (
              <Table.Tr key={a.position} data-testid={`capa-action-${a.position}`}>
                <Table.Td>{a.position}</Table.Td>
                <Table.Td>{a.description}</Table.Td>
                <Table.Td>{a.owner}</Table.Td>
                <Table.Td>
                  {formatDate(a.due_on)} {a.overdue ? <Badge color="red.9">Overdue</Badge> : null}
                </Table.Td>
                <Table.Td>
                  {a.done_at ? (
                    `${formatDateTime(a.done_at)} by ${a.done_by}`
                  ) : open ? (
                    <Button size="xs" onClick={() => change.mutate({ kind: "done", position: a.position, note: "" })}>
                      Mark done
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {open ? (
          <Group mt="sm" align="flex-end">
            <TextInput label="New action" value={description} onChange={(e) => setDescription(e.currentTarget.value)} style={{ flex: 2 }} />
            <TextInput label="Action owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
            <TextInput label="Action due on" type="date" value={due} onChange={(e) => setDue(e.currentTarget.value)} />
            <Button
              disabled={!description.trim() || !owner.trim() || !due}
              onClick={() => change.mutate({ kind: "action", description, owner, due_on: due }, { onSuccess: () => setDescription("") })}
            >
              Add action
            </Button>
          </Group>
        ) : null}
      </Card>
      <Card withBorder data-testid="capa-effectiveness">
        <Title order={3}>Effectiveness check</Title>
        {c.effectiveness ? (
          <Text mt="sm" fw={700} c={c.effectiveness.effective ? "green.8" : "red.9"}>
            {c.effectiveness.effective ? "Effective" : "Not effective"}: {String(c.effectiveness.note)} ({String(c.effectiveness.checked_by)})
          </Text>
        ) : (
          <Text c="dimmed" mt="sm">
            Not checked yet{allDone ? "." : " — every action must be done first."}
          </Text>
        )}
        {open && allDone ? (
          <Group mt="sm" align="flex-end">
            <Checkbox label="The actions were effective" checked={effective} onChange={(e) => setEffective(e.currentTarget.checked)} />
            <TextInput label="Check" value={note} onChange={(e) => setNote(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button disabled={!note.trim()} onClick={() => change.mutate({ kind: "effectiveness", effective, note })}>
              Record check
            </Button>
          </Group>
        ) : null}
      </Card>
      {change.isError ? <ProblemAlert error={change.error} /> : null}
      {c.status === "closed" ? (
        <Alert color="green.8" variant="filled" data-testid="capa-closure">
          <Text c="white" fw={700} size="lg">
            Closed {formatDateTime(c.closed_at)} by {c.closed_by}, signed: {c.closure_reason}
          </Text>
        </Alert>
      ) : (
        <Button size="lg" disabled={!allDone || c.effectiveness?.effective !== true} onClick={() => setClosing(true)}>
          Close with signature…
        </Button>
      )}
      {closing ? <CloseDialog capa={c} onClose={() => setClosing(false)} /> : null}
    </Stack>
  );
}
