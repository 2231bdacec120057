import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import {
  useBadges,
  useDeactivateStation,
  useRegisterStation,
  useRemoveBadge,
  useSetBadge,
  useStations,
  type Badge,
  type Station,
  type StationCreated,
} from "../api/auth";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { ReasonDialog } from "../components/ReasonDialog";
import { formatDateTime } from "../lib/format";
import { pinComplete, validateBadge } from "../lib/takeover";
import { terminalLabel, validateStationKey, writeTerminal } from "../lib/terminal";
import { useTerminal } from "../lib/useTerminal";

/** This browser as a station terminal: install a station key (pasted or just created), or remove it. */
function ThisTerminal() {
  const terminal = useTerminal();
  const stations = useStations();
  const [key, setKey] = useState("");
  const [which, setWhich] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const install = (e: FormEvent) => {
    e.preventDefault();
    const problem = validateStationKey(key);
    setError(problem);
    if (problem) return;
    const s = stations.data?.find((x) => x.code === which);
    writeTerminal({ key: key.trim(), code: s?.code ?? null, name: s?.name ?? null, workCenter: s?.work_center ?? null });
    setKey("");
    setWhich(null);
  };
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3}>This terminal</Title>
        {terminal ? (
          <Alert color="green.9" variant="light" data-testid="terminal-installed">
            <Text size="lg" fw={700}>
              Set up as {terminalLabel(terminal)}
              {terminal.workCenter ? ` at work center ${terminal.workCenter}` : ""}.
            </Text>
            <Text>People sign in here with badge and PIN; signing out leads to the badge screen.</Text>
          </Alert>
        ) : (
          <Text>
            Not a station terminal. Paste the key a station got when it was registered to make this browser that
            station; it stays in this browser only.
          </Text>
        )}
        <form onSubmit={install} noValidate>
          <Group align="flex-end">
            <PasswordInput
              label="Station key"
              size="lg"
              style={{ flex: 1 }}
              value={key}
              onChange={(e) => {
                setKey(e.currentTarget.value);
                setError(null);
              }}
              error={error}
              autoComplete="off"
            />
            <Select
              label="Station of this key (optional)"
              size="lg"
              w={360}
              placeholder="Learnt at the first badge sign-in"
              data={(stations.data ?? [])
                .filter((x) => x.active)
                .map((x) => ({ value: x.code, label: `${x.name} (${x.code})` }))}
              value={which}
              onChange={setWhich}
              clearable
            />
            <Button type="submit" size="lg">
              Set up this terminal
            </Button>
            {terminal ? (
              <Button size="lg" variant="default" color="red.9" onClick={() => writeTerminal(null)}>
                Remove
              </Button>
            ) : null}
          </Group>
        </form>
      </Stack>
    </Card>
  );
}

function RegisterStation() {
  const register = useRegisterStation();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [workCenter, setWorkCenter] = useState("");
  const [created, setCreated] = useState<StationCreated | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    register.mutate(
      { code: code.trim(), name: name.trim(), work_center: workCenter.trim() || null },
      {
        onSuccess: (s) => {
          setCreated(s);
          setCode("");
          setName("");
          setWorkCenter("");
        },
      },
    );
  };
  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={3}>Register a station</Title>
          {register.isError ? <ProblemAlert error={register.error} /> : null}
          <TextInput label="Code" size="md" required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
          <TextInput label="Name" size="md" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput
            label="Work center (optional)"
            size="md"
            value={workCenter}
            onChange={(e) => setWorkCenter(e.currentTarget.value)}
          />
          <Button type="submit" loading={register.isPending} w="fit-content">
            Register
          </Button>
          {created ? (
            <Alert color="orange.9" variant="light" title={`Station ${created.code} registered`} data-testid="station-key">
              <Stack gap="xs">
                <Text>The key is shown this once. Install it on the terminal now.</Text>
                <Code block>{created.station_key}</Code>
                <Button
                  w="fit-content"
                  onClick={() =>
                    writeTerminal({
                      key: created.station_key,
                      code: created.code,
                      name: created.name,
                      workCenter: created.work_center,
                    })
                  }
                >
                  Set up this terminal as {created.code}
                </Button>
              </Stack>
            </Alert>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}

function EnrolBadge() {
  const setBadge = useSetBadge();
  const [username, setUsername] = useState("");
  const [badge, setBadgeValue] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = !username.trim()
      ? "Give the user name."
      : (validateBadge(badge.trim()) ?? (pinComplete(pin) ? null : "The PIN has 4 to 8 digits."));
    setError(problem);
    setDone(null);
    if (problem) return;
    setBadge.mutate(
      { username: username.trim(), badge: badge.trim(), pin },
      {
        onSuccess: () => {
          setDone(`Badge ${badge.trim()} enrolled for ${username.trim()}.`);
          setPin("");
        },
      },
    );
  };
  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>Enrol a badge</Title>
          {setBadge.isError ? <ProblemAlert error={setBadge.error} /> : null}
          {error ? (
            <Text c="red.9" fw={700} role="alert">
              {error}
            </Text>
          ) : null}
          {done ? (
            <Text c="green.9" fw={700} role="status">
              {done}
            </Text>
          ) : null}
          <TextInput label="User name" size="md" value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <TextInput label="Badge" size="md" value={badge} onChange={(e) => setBadgeValue(e.currentTarget.value)} />
          <PasswordInput
            label="PIN"
            size="md"
            inputMode="numeric"
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <Button type="submit" loading={setBadge.isPending} w="fit-content">
            Enrol
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function StationRow({ s }: { s: Station }) {
  const deactivate = useDeactivateStation();
  const [asking, setAsking] = useState(false);
  return (
    <Table.Tr data-testid={`station-${s.code}`}>
      <Table.Td>{s.code}</Table.Td>
      <Table.Td>{s.name}</Table.Td>
      <Table.Td>{s.work_center ?? "–"}</Table.Td>
      <Table.Td>
        {formatDateTime(s.created_at)} by {s.created_by}
      </Table.Td>
      <Table.Td data-testid="station-active">{s.active ? "yes" : "no"}</Table.Td>
      <Table.Td>
        {s.active ? (
          <Button size="sm" variant="outline" color="red.9" onClick={() => setAsking(true)}>
            Deactivate
          </Button>
        ) : null}
        {asking ? (
          <ReasonDialog
            title={`Deactivate station ${s.code}`}
            confirmLabel="Deactivate station"
            color="red.9"
            onConfirm={(reason) => deactivate.mutateAsync({ code: s.code, reason })}
            onClose={() => setAsking(false)}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function BadgeRow({ b }: { b: Badge }) {
  const remove = useRemoveBadge();
  const [asking, setAsking] = useState(false);
  return (
    <Table.Tr data-testid={`badge-${b.badge}`}>
      <Table.Td>{b.badge}</Table.Td>
      <Table.Td>
        {b.display_name} ({b.username})
      </Table.Td>
      <Table.Td>{b.active ? "yes" : "no"}</Table.Td>
      <Table.Td>
        <Button size="sm" variant="outline" color="red.9" onClick={() => setAsking(true)}>
          Remove
        </Button>
        {asking ? (
          <ReasonDialog
            title={`Remove badge ${b.badge} of ${b.display_name}`}
            confirmLabel="Remove badge"
            color="red.9"
            onConfirm={(reason) => remove.mutateAsync({ username: b.username, reason })}
            onClose={() => setAsking(false)}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function EnrolledBadges() {
  const badges = useBadges();
  return (
    <Card withBorder padding="lg">
      <Title order={3} mb="sm">
        Enrolled badges
      </Title>
      {badges.isPending ? <Loading /> : null}
      {badges.isError ? <ProblemAlert error={badges.error} onRetry={() => void badges.refetch()} /> : null}
      {badges.data && badges.data.length === 0 ? <Text c="gray.7">No badges enrolled yet.</Text> : null}
      {badges.data?.length ? (
        <Table striped data-testid="badges">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Badge</Table.Th>
              <Table.Th>User</Table.Th>
              <Table.Th>Active user</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {badges.data.map((b) => (
              <BadgeRow key={b.badge} b={b} />
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Card>
  );
}

export function StationsAdminPage() {
  const stations = useStations();
  return (
    <Stack gap="lg">
      <Title order={2}>Station terminals</Title>
      <ThisTerminal />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <RegisterStation />
        <EnrolBadge />
      </SimpleGrid>
      <Card withBorder padding="lg">
        <Title order={3} mb="sm">
          Registered stations
        </Title>
        {stations.isPending ? <Loading /> : null}
        {stations.isError ? <ProblemAlert error={stations.error} onRetry={() => void stations.refetch()} /> : null}
        {stations.data ? (
          <Table striped data-testid="stations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Work center</Table.Th>
                <Table.Th>Registered</Table.Th>
                <Table.Th>Active</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stations.data.map((s) => (
                <StationRow key={s.code} s={s} />
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Card>
      <EnrolledBadges />
    </Stack>
  );
}
