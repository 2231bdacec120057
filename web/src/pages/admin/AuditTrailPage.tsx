import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import {
  AUDITED_SERVICES,
  useAuditTrail,
  useVerifyAudit,
  type AuditEntry,
  type AuditedService,
  type AuditVerification,
} from "../../api/auth";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { Pager, useUrlState } from "./listing";
import { useTranslation } from "react-i18next";

function short(hash: string): string {
  return `${hash.slice(0, 10)}…`;
}

function json(value: unknown): string {
  return value === null || value === undefined ? "—" : JSON.stringify(value);
}

function Verification({ result }: { result: AuditVerification }) {
  const { t } = useTranslation();
  if (result.ok) {
    return (
      <Alert color="green.9" variant="filled" title={t("admin.audit.intact")} data-testid="audit-verified">
        {t("admin.audit.verified", {
          count: result.checked,
          at: formatDateTime(result.verified_at, { seconds: true }),
          head: result.head_hash ? short(result.head_hash) : t("admin.audit.emptyTrail"),
        })}
      </Alert>
    );
  }
  const row = result.first_broken;
  return (
    <Alert color="red.9" variant="filled" title={t("admin.audit.broken")} data-testid="audit-broken">
      <Text c="white">
        {t("admin.audit.brokenText", {
          row: row?.id,
          why: result.broken === "hash" ? t("admin.audit.brokenHash") : t("admin.audit.brokenLink"),
          count: result.checked - 1,
        })}
      </Text>
      {row ? (
        <Text c="white" size="sm">
          {formatDateTime(row.at, { seconds: true })} {row.actor} {row.action} {row.entity_type} {row.entity_id}
        </Text>
      ) : null}
    </Alert>
  );
}

/** A service's hash-chained audit trail (who, when, what, before and after, why) and its verification. */
export function AuditTrailPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const allowed = AUDITED_SERVICES.filter((s) => can(s.permission));
  const url = useUrlState({
    service: allowed[0]?.prefix ?? "auth",
    entity_type: "",
    entity_id: "",
    actor: "",
    action: "",
    since: "",
    until: "",
    order: "newest",
    size: "50",
  });
  const service = url.get("service") as AuditedService;
  const size = Number(url.get("size"));
  const trail = useAuditTrail(
    service,
    {
      entity_type: url.get("entity_type") || undefined,
      entity_id: url.get("entity_id") || undefined,
      actor: url.get("actor") || undefined,
      action: url.get("action") || undefined,
      since: url.get("since") ? new Date(url.get("since")).toISOString() : undefined,
      until: url.get("until") ? new Date(url.get("until")).toISOString() : undefined,
      order: url.get("order") as "newest" | "oldest",
      limit: size,
      offset: (url.page - 1) * size,
    },
    allowed.some((s) => s.prefix === service),
  );
  const verify = useVerifyAudit();
  const [verified, setVerified] = useState<{ service: string; result: AuditVerification } | null>(null);
  const [shown, setShown] = useState<AuditEntry | null>(null);
  const filter = (key: "entity_type" | "entity_id" | "actor" | "action", label: string) => (
    <TextInput
      key={`${service}-${key}-${url.get(key)}`}
      label={label}
      w={170}
      defaultValue={url.get(key)}
      onBlur={(e) => url.set({ [key]: e.currentTarget.value.trim() })}
      onKeyDown={(e) => e.key === "Enter" && url.set({ [key]: e.currentTarget.value.trim() })}
    />
  );
  const filters = [
    filter("entity_type", t("admin.audit.entityType")),
    filter("entity_id", t("admin.audit.entity")),
    filter("actor", t("common.who")),
    filter("action", t("admin.audit.action")),
  ];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("admin.audit.title")}</Title>
        <Button
          loading={verify.isPending}
          onClick={() =>
            verify.mutate(service, { onSuccess: (result) => setVerified({ service, result }) })
          }
        >
          {t("admin.audit.verify")}
        </Button>
      </Group>
      <Select
        label={t("admin.audit.service")}
        w={320}
        data={allowed.map((s) => ({ value: s.prefix, label: t(`admin.audit.services.${s.prefix}`) }))}
        value={service}
        onChange={(v) => {
          if (v) url.set({ service: v });
          verify.reset();
        }}
        allowDeselect={false}
        data-testid="audit-service"
      />
      {verify.isError ? <ProblemAlert error={verify.error} /> : null}
      {verified && verified.service === service ? <Verification result={verified.result} /> : null}
      <Group align="flex-end">
        {filters}
        <TextInput
          label={t("common.from")}
          type="datetime-local"
          value={url.get("since")}
          onChange={(e) => url.set({ since: e.currentTarget.value })}
        />
        <TextInput
          label={t("admin.audit.beforeTime")}
          type="datetime-local"
          value={url.get("until")}
          onChange={(e) => url.set({ until: e.currentTarget.value })}
        />
        <SegmentedControl
          data={[
            { value: "newest", label: t("admin.audit.newest") },
            { value: "oldest", label: t("admin.audit.oldest") },
          ]}
          value={url.get("order")}
          onChange={(v) => url.set({ order: v })}
        />
      </Group>
      {trail.isError ? <ProblemAlert error={trail.error} onRetry={() => void trail.refetch()} /> : null}
      {trail.isPending ? (
        <Loading label={t("admin.audit.loading")} />
      ) : (
        <Table striped highlightOnHover data-testid="audit-trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t("common.when")}</Table.Th>
              <Table.Th>{t("common.who")}</Table.Th>
              <Table.Th>{t("admin.audit.action")}</Table.Th>
              <Table.Th>{t("admin.audit.entity")}</Table.Th>
              <Table.Th>{t("common.reason")}</Table.Th>
              <Table.Th>{t("admin.audit.hash")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(trail.data?.items ?? []).map((e) => (
              <Table.Tr key={e.id} onClick={() => setShown(e)} style={{ cursor: "pointer" }}>
                <Table.Td>{e.id}</Table.Td>
                <Table.Td>{formatDateTime(e.at, { seconds: true })}</Table.Td>
                <Table.Td>{e.actor}</Table.Td>
                <Table.Td>{e.action}</Table.Td>
                <Table.Td>
                  {e.entity_type} {e.entity_id}
                </Table.Td>
                <Table.Td>{e.reason ?? "—"}</Table.Td>
                <Table.Td>
                  <Code>{short(e.hash)}</Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {trail.data ? (
        <Pager total={trail.data.total} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
      {shown ? (
        <Modal opened onClose={() => setShown(null)} title={t("admin.audit.entry", { id: shown.id })} size="xl" centered>
          <Stack gap="xs">
            <Text>
              {formatDateTime(shown.at, { seconds: true })} — {shown.actor} — {shown.action} — {shown.entity_type}{" "}
              {shown.entity_id}
            </Text>
            <Text fw={700}>{t("admin.audit.before")}</Text>
            <Code block>{json(shown.old)}</Code>
            <Text fw={700}>{t("admin.audit.after")}</Text>
            <Code block>{json(shown.new)}</Code>
            <Text>{t("admin.audit.reasonIs", { reason: shown.reason ?? "—" })}</Text>
            <Text size="sm">{t("admin.audit.prevHash")} <Code>{shown.prev_hash}</Code></Text>
            <Text size="sm">{t("admin.audit.hashIs")} <Code>{shown.hash}</Code></Text>
          </Stack>
        </Modal>
      ) : null}
    </Stack>
  );
}
