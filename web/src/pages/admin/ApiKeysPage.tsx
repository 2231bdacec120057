import { Alert, Badge, Button, Code, Group, Modal, MultiSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  useApiKeys,
  useCreateApiKey,
  usePermissionCatalog,
  useRevokeApiKey,
  type ApiKey,
  type ApiKeyCreated,
  type ApiKeySort,
} from "../../api/auth";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonDialog } from "../../components/ReasonDialog";
import { formatDateTime } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "./listing";

function CreateKey({ onClose, onCreated }: { onClose: () => void; onCreated: (k: ApiKeyCreated) => void }) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const catalog = usePermissionCatalog();
  const [name, setName] = useState("");
  const [owner, setOwner] = useState("");
  const [permissions, setPermissions] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        owner: owner.trim(),
        permissions,
        expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      },
      { onSuccess: onCreated },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t("admin.apiKeys.new")} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError ? <ProblemAlert error={create.error} /> : null}
          <TextInput label={t("common.name")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput
            label={t("admin.apiKeys.owner")}
            description={t("admin.apiKeys.ownerHint")}
            required
            value={owner}
            onChange={(e) => setOwner(e.currentTarget.value)}
          />
          <MultiSelect
            label={t("admin.apiKeys.permissions")}
            data={(catalog.data ?? []).map((p) => p.name)}
            value={permissions}
            onChange={setPermissions}
            searchable
          />
          <TextInput label={t("admin.apiKeys.expiresOptional")} type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("admin.apiKeys.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** API keys of integration clients and machines: created (the secret shown once), listed, revoked. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const url = useUrlState({ owner: "", size: "25", sort: "created_at", dir: "desc" });
  const size = Number(url.get("size"));
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  // the API sorts and pages (ADR 44): the page shown is the one it answers
  const keys = useApiKeys({
    owner: url.get("owner") || undefined,
    sort: apiSort(sort, dir) as ApiKeySort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("admin.apiKeys.title")}</Title>
        <Button onClick={() => setCreating(true)}>{t("admin.apiKeys.new")}</Button>
      </Group>
      {created ? (
        <Alert color="green.9" variant="filled" title={t("admin.apiKeys.created", { name: created.name })} data-testid="api-key-created">
          <Text>{t("admin.apiKeys.copyNow")}</Text>
          <Code block c="dark.9">{created.api_key}</Code>
        </Alert>
      ) : null}
      <TextInput
        label={t("admin.apiKeys.owner")}
        placeholder={t("admin.apiKeys.everyOwner")}
        w={280}
        defaultValue={url.get("owner")}
        onBlur={(e) => url.set({ owner: e.currentTarget.value.trim() })}
        onKeyDown={(e) => e.key === "Enter" && url.set({ owner: e.currentTarget.value.trim() })}
      />
      {keys.isError ? <ProblemAlert error={keys.error} /> : null}
      {keys.isPending ? (
        <Loading />
      ) : (
        <Table striped data-testid="api-keys">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="name" sort={sort} dir={dir} onSort={onSort}>
                {t("common.name")}
              </SortTh>
              <SortTh column="owner" sort={sort} dir={dir} onSort={onSort}>
                {t("admin.apiKeys.owner")}
              </SortTh>
              <Table.Th>{t("admin.apiKeys.permissions")}</Table.Th>
              <SortTh column="created_at" sort={sort} dir={dir} onSort={onSort}>
                {t("common.created")}
              </SortTh>
              <SortTh column="last_used_at" sort={sort} dir={dir} onSort={onSort}>
                {t("admin.apiKeys.lastUsed")}
              </SortTh>
              <SortTh column="expires_at" sort={sort} dir={dir} onSort={onSort}>
                {t("admin.apiKeys.expires")}
              </SortTh>
              <Table.Th>{t("common.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(keys.data?.items ?? []).map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td fw={700}>{k.name}</Table.Td>
                <Table.Td>{k.owner}</Table.Td>
                <Table.Td>
                  <Text size="sm">{k.permissions.join(", ")}</Text>
                </Table.Td>
                <Table.Td>
                  {t("admin.apiKeys.createdBy", { at: formatDateTime(k.created_at), by: k.created_by })}
                </Table.Td>
                <Table.Td>{formatDateTime(k.last_used_at)}</Table.Td>
                <Table.Td>{formatDateTime(k.expires_at)}</Table.Td>
                <Table.Td>
                  {k.revoked_at ? (
                    <Badge color="gray.6" title={k.revoked_reason ?? ""}>
                      {t("admin.apiKeys.revokedAt", { at: formatDateTime(k.revoked_at) })}
                    </Badge>
                  ) : (
                    <Button size="xs" variant="default" color="red.9" onClick={() => setRevoking(k)}>
                      {t("admin.apiKeys.revoke")}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {keys.data ? (
        <Pager total={keys.data.total} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
      {creating ? (
        <CreateKey
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setCreated(k);
          }}
        />
      ) : null}
      {revoking ? (
        <ReasonDialog
          title={t("admin.apiKeys.revokeTitle", { name: revoking.name })}
          confirmLabel={t("admin.apiKeys.revoke")}
          color="red.9"
          onConfirm={(reason) => revoke.mutateAsync({ id: revoking.id, reason })}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </Stack>
  );
}
