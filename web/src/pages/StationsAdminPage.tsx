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
import { useTranslation } from "react-i18next";
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
import { PIN_MAX, PIN_MIN, pinComplete, validateBadge } from "../lib/takeover";
import { terminalLabel, validateStationKey, writeTerminal } from "../lib/terminal";
import { useTerminal } from "../lib/useTerminal";

/** This browser as a station terminal: install a station key (pasted or just created), or remove it. */
function ThisTerminal() {
  const { t } = useTranslation();
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
        <Title order={3}>{t("admin.stations.terminal.title")}</Title>
        {terminal ? (
          <Alert color="green.9" variant="light" data-testid="terminal-installed">
            <Text size="lg" fw={700}>
              {terminal.workCenter
                ? t("admin.stations.terminal.setUpAt", { station: terminalLabel(terminal), workCenter: terminal.workCenter })
                : t("admin.stations.terminal.setUp", { station: terminalLabel(terminal) })}
            </Text>
            <Text>{t("admin.stations.terminal.howSignIn")}</Text>
          </Alert>
        ) : (
          <Text>{t("admin.stations.terminal.notTerminal")}</Text>
        )}
        <form onSubmit={install} noValidate>
          <Group align="flex-end">
            <PasswordInput
              label={t("admin.stations.terminal.key")}
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
              label={t("admin.stations.terminal.station")}
              size="lg"
              w={360}
              placeholder={t("admin.stations.terminal.learnt")}
              data={(stations.data ?? [])
                .filter((x) => x.active)
                .map((x) => ({ value: x.code, label: `${x.name} (${x.code})` }))}
              value={which}
              onChange={setWhich}
              clearable
            />
            <Button type="submit" size="lg">
              {t("admin.stations.terminal.install")}
            </Button>
            {terminal ? (
              <Button size="lg" variant="default" color="red.9" onClick={() => writeTerminal(null)}>
                {t("common.remove")}
              </Button>
            ) : null}
          </Group>
        </form>
      </Stack>
    </Card>
  );
}

function RegisterStation() {
  const { t } = useTranslation();
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
          <Title order={3}>{t("admin.stations.register.title")}</Title>
          {register.isError ? <ProblemAlert error={register.error} /> : null}
          <TextInput label={t("common.code")} size="md" required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
          <TextInput label={t("common.name")} size="md" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput
            label={t("admin.stations.register.workCenter")}
            size="md"
            value={workCenter}
            onChange={(e) => setWorkCenter(e.currentTarget.value)}
          />
          <Button type="submit" loading={register.isPending} w="fit-content">
            {t("admin.stations.register.submit")}
          </Button>
          {created ? (
            <Alert color="orange.9" variant="light" title={t("admin.stations.register.registered", { code: created.code })} data-testid="station-key">
              <Stack gap="xs">
                <Text>{t("admin.stations.register.shownOnce")}</Text>
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
                  {t("admin.stations.register.installAs", { code: created.code })}
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
  const { t } = useTranslation();
  const setBadge = useSetBadge();
  const [username, setUsername] = useState("");
  const [badge, setBadgeValue] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = !username.trim()
      ? t("admin.stations.badge.usernameMissing")
      : (validateBadge(badge.trim()) ?? (pinComplete(pin) ? null : t("admin.stations.badge.pinDigits", { min: PIN_MIN, max: PIN_MAX })));
    setError(problem);
    setDone(null);
    if (problem) return;
    setBadge.mutate(
      { username: username.trim(), badge: badge.trim(), pin },
      {
        onSuccess: () => {
          setDone(t("admin.stations.badge.enrolled", { badge: badge.trim(), user: username.trim() }));
          setPin("");
        },
      },
    );
  };
  return (
    <Card withBorder padding="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>{t("admin.stations.badge.title")}</Title>
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
          <TextInput label={t("admin.users.username")} size="md" value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <TextInput label={t("admin.stations.badge.badge")} size="md" value={badge} onChange={(e) => setBadgeValue(e.currentTarget.value)} />
          <PasswordInput
            label={t("admin.stations.badge.pin")}
            size="md"
            inputMode="numeric"
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <Button type="submit" loading={setBadge.isPending} w="fit-content">
            {t("admin.stations.badge.submit")}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function StationRow({ s }: { s: Station }) {
  const { t } = useTranslation();
  const deactivate = useDeactivateStation();
  const [asking, setAsking] = useState(false);
  return (
    <Table.Tr data-testid={`station-${s.code}`}>
      <Table.Td>{s.code}</Table.Td>
      <Table.Td>{s.name}</Table.Td>
      <Table.Td>{s.work_center ?? "–"}</Table.Td>
      <Table.Td>
        {t("admin.stations.list.registeredBy", { when: formatDateTime(s.created_at), who: s.created_by })}
      </Table.Td>
      <Table.Td data-testid="station-active">{s.active ? t("admin.stations.list.yes") : t("admin.stations.list.no")}</Table.Td>
      <Table.Td>
        {s.active ? (
          <Button size="sm" variant="outline" color="red.9" onClick={() => setAsking(true)}>
            {t("admin.stations.list.deactivate")}
          </Button>
        ) : null}
        {asking ? (
          <ReasonDialog
            title={t("admin.stations.list.deactivateTitle", { code: s.code })}
            confirmLabel={t("admin.stations.list.deactivateConfirm")}
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
  const { t } = useTranslation();
  const remove = useRemoveBadge();
  const [asking, setAsking] = useState(false);
  return (
    <Table.Tr data-testid={`badge-${b.badge}`}>
      <Table.Td>{b.badge}</Table.Td>
      <Table.Td>
        {b.display_name} ({b.username})
      </Table.Td>
      <Table.Td>{b.active ? t("admin.stations.list.yes") : t("admin.stations.list.no")}</Table.Td>
      <Table.Td>
        <Button size="sm" variant="outline" color="red.9" onClick={() => setAsking(true)}>
          {t("common.remove")}
        </Button>
        {asking ? (
          <ReasonDialog
            title={t("admin.stations.badges.removeTitle", { badge: b.badge, name: b.display_name })}
            confirmLabel={t("admin.stations.badges.removeConfirm")}
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
  const { t } = useTranslation();
  const badges = useBadges();
  return (
    <Card withBorder padding="lg">
      <Title order={3} mb="sm">
        {t("admin.stations.badges.title")}
      </Title>
      {badges.isPending ? <Loading /> : null}
      {badges.isError ? <ProblemAlert error={badges.error} onRetry={() => void badges.refetch()} /> : null}
      {badges.data && badges.data.length === 0 ? <Text c="gray.7">{t("admin.stations.badges.empty")}</Text> : null}
      {badges.data?.length ? (
        <Table striped data-testid="badges">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("admin.stations.badge.badge")}</Table.Th>
              <Table.Th>{t("admin.stations.badges.user")}</Table.Th>
              <Table.Th>{t("admin.stations.badges.activeUser")}</Table.Th>
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
  const { t } = useTranslation();
  const stations = useStations();
  return (
    <Stack gap="lg">
      <Title order={2}>{t("admin.stations.title")}</Title>
      <ThisTerminal />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <RegisterStation />
        <EnrolBadge />
      </SimpleGrid>
      <Card withBorder padding="lg">
        <Title order={3} mb="sm">
          {t("admin.stations.list.title")}
        </Title>
        {stations.isPending ? <Loading /> : null}
        {stations.isError ? <ProblemAlert error={stations.error} onRetry={() => void stations.refetch()} /> : null}
        {stations.data ? (
          <Table striped data-testid="stations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("common.code")}</Table.Th>
                <Table.Th>{t("common.name")}</Table.Th>
                <Table.Th>{t("common.workCenter")}</Table.Th>
                <Table.Th>{t("admin.stations.list.registered")}</Table.Th>
                <Table.Th>{t("common.active")}</Table.Th>
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
