import { Badge, Button, Card, Code, Group, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  useConnectors,
  useDeadLetters,
  useLetterAction,
  useSubscriptions,
  type Connector,
  type DeadLetter,
  type LetterStatus,
} from "../api/integration";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/ProblemAlert";
import { formatDateTime } from "../lib/format";

function endpointOf(c: Connector): string {
  const cfg = c.config as { endpoint?: string; mqtt?: { host?: string; port?: number }; sparkplug?: unknown };
  if (c.kind === "opcua") return cfg.endpoint ?? "";
  const mqtt = cfg.mqtt ?? {};
  return `mqtt://${mqtt.host ?? ""}:${mqtt.port ?? 1883}${cfg.sparkplug ? " (Sparkplug B)" : ""}`;
}

/** Each MQTT broker and OPC UA server: connected or not, last message, counts, the last error. */
function Connectors() {
  const { t } = useTranslation();
  const connectors = useConnectors();
  if (connectors.isPending) return <Loading />;
  if (connectors.isError) return <ProblemAlert error={connectors.error} />;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3}>{t("integration.connections")}</Title>
        {connectors.data.items.length === 0 ? (
          <Text>{t("integration.noConnector")}</Text>
        ) : (
          <Table striped data-testid="connectors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("common.name")}</Table.Th>
                <Table.Th>{t("integration.server")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("integration.lastMessage")}</Table.Th>
                <Table.Th>{t("integration.messages")}</Table.Th>
                <Table.Th>{t("integration.errors")}</Table.Th>
                <Table.Th>{t("integration.lastError")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connectors.data.items.map((c) => (
                <Table.Tr key={c.id} data-testid={`connector-${c.name}`}>
                  <Table.Td fw={700}>{c.name}</Table.Td>
                  <Table.Td>
                    <Code>{endpointOf(c)}</Code>
                  </Table.Td>
                  <Table.Td>
                    {!c.enabled ? (
                      <Badge color="gray.7">{t("integration.disabled")}</Badge>
                    ) : c.status.connected ? (
                      <Badge color="green.9">{t("integration.connected")}</Badge>
                    ) : (
                      <Badge color="red.9">{t("integration.notConnected")}</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{c.status.last_message_at ? formatDateTime(c.status.last_message_at) : t("integration.never")}</Table.Td>
                  <Table.Td>{c.status.messages}</Table.Td>
                  <Table.Td>{c.status.errors}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {c.status.last_error ?? ""}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

function LetterRow({ letter }: { letter: DeadLetter }) {
  const { t } = useTranslation();
  const action = useLetterAction();
  const replayable = letter.source === "erp" || letter.source === "webhook";
  return (
    <Table.Tr data-testid="dead-letter">
      <Table.Td>{letter.source.toUpperCase()}</Table.Td>
      <Table.Td>{formatDateTime(letter.received_at)}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={700}>
          {letter.reason}
        </Text>
        {letter.path || letter.line ? (
          <Text size="sm" c="dimmed">
            {letter.line ? t("integration.line", { line: letter.line }) : ""} {letter.path ?? ""}
          </Text>
        ) : null}
        {action.isError ? <ProblemAlert error={action.error} /> : null}
      </Table.Td>
      <Table.Td>{letter.ref ?? ""}</Table.Td>
      <Table.Td>
        {letter.status === "open" ? (
          <Group gap="xs" wrap="nowrap">
            {replayable ? (
              <Button
                size="xs"
                loading={action.isPending}
                onClick={() => action.mutate({ id: letter.id, action: "replay" })}
              >
                {t("integration.replay")}
              </Button>
            ) : null}
            <Button
              size="xs"
              variant="default"
              loading={action.isPending}
              onClick={() => action.mutate({ id: letter.id, action: "discard" })}
            >
              {t("integration.discard")}
            </Button>
          </Group>
        ) : (
          <Badge color="gray.7">{t(`integration.letterState.${letter.status}`)}</Badge>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Messages that could not be taken in or delivered, with the exact reason. */
function DeadLetters() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<LetterStatus>("open");
  const letters = useDeadLetters(status);
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t("integration.deadLetters")}</Title>
          <SegmentedControl
            value={status}
            onChange={(v) => setStatus(v as LetterStatus)}
            data={[
              { value: "open", label: t("integration.filter.open") },
              { value: "replayed", label: t("integration.filter.replayed") },
              { value: "discarded", label: t("integration.filter.discarded") },
            ]}
          />
        </Group>
        {letters.isPending ? (
          <Loading />
        ) : letters.isError ? (
          <ProblemAlert error={letters.error} />
        ) : letters.data.items.length === 0 ? (
          <Text data-testid="no-dead-letters">{t(`integration.noLetters.${status}`)}</Text>
        ) : (
          <Table striped data-testid="dead-letters">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("integration.source")}</Table.Th>
                <Table.Th>{t("integration.received")}</Table.Th>
                <Table.Th>{t("common.reason")}</Table.Th>
                <Table.Th>{t("integration.reference")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {letters.data.items.map((l) => (
                <LetterRow key={l.id} letter={l} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

function Subscriptions() {
  const { t } = useTranslation();
  const subs = useSubscriptions();
  if (subs.isPending) return <Loading />;
  if (subs.isError) return <ProblemAlert error={subs.error} />;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={3}>{t("integration.subscriptions")}</Title>
        {subs.data.items.length === 0 ? (
          <Text>{t("integration.noSubscription")}</Text>
        ) : (
          <Table striped data-testid="subscriptions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("common.name")}</Table.Th>
                <Table.Th>{t("integration.url")}</Table.Th>
                <Table.Th>{t("integration.format")}</Table.Th>
                <Table.Th>{t("integration.events")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {subs.data.items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td fw={700}>{s.name}</Table.Td>
                  <Table.Td>
                    <Code>{s.url}</Code>
                  </Table.Td>
                  <Table.Td>{s.format === "b2mml" ? t("integration.b2mml") : t("integration.json")}</Table.Td>
                  <Table.Td>{s.event_types.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

/** Connector status: machine connections, dead letters with replay, outbound subscriptions. */
export function IntegrationPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <Title order={2}>{t("integration.title")}</Title>
      <Connectors />
      <DeadLetters />
      <Subscriptions />
    </Stack>
  );
}
