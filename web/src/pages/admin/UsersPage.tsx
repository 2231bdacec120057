import {
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import {
  useCreateUser,
  useResetPassword,
  useRoles,
  useSetUserActive,
  useUpdateUser,
  useUsers,
  type User,
  type UserSort,
} from "../../api/auth";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonDialog } from "../../components/ReasonDialog";
import { formatDateTime } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "./listing";
import { useTranslation } from "react-i18next";

const WRITE = "auth:user:write";

function useRoleOptions() {
  const roles = useRoles();
  return (roles.data ?? []).map((r) => ({ value: r.name, label: r.name }));
}

function CreateUser({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const roleOptions = useRoleOptions();
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { username: username.trim(), display_name: name.trim(), password, roles },
      { onSuccess: onClose },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t("admin.users.new")} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError ? <ProblemAlert error={create.error} /> : null}
          <TextInput label={t("admin.users.username")} required value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <TextInput label={t("admin.users.displayName")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <PasswordInput
            label={t("admin.users.initialPassword")}
            description={t("admin.users.passwordHint")}
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <MultiSelect label={t("admin.users.roles")} data={roleOptions} value={roles} onChange={setRoles} searchable />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("admin.users.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const [reason, setReason] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate({ username: user.username, password, reason: reason.trim() }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={t("admin.users.resetTitle", { user: user.username })} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {reset.isError ? <ProblemAlert error={reset.error} /> : null}
          <Text>{t("admin.users.resetText")}</Text>
          <PasswordInput
            label={t("admin.users.newPassword")}
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <TextInput label={t("dialog.reasonOptional")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" color="orange.9" loading={reset.isPending}>
              {t("admin.users.resetPassword")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditUser({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const roleOptions = useRoleOptions();
  const [name, setName] = useState(user.display_name);
  const [roles, setRoles] = useState<string[]>([...user.roles]);
  const [reason, setReason] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { username: user.username, body: { display_name: name.trim(), roles, reason: reason.trim() || null } },
      { onSuccess: onClose },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t("common.editThing", { thing: user.username })} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {update.isError ? <ProblemAlert error={update.error} /> : null}
          <TextInput label={t("admin.users.displayName")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <MultiSelect label={t("admin.users.roles")} data={roleOptions} value={roles} onChange={setRoles} searchable />
          <TextInput label={t("dialog.reasonOptional")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t("common.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type Dialog = { kind: "create" } | { kind: "edit" | "reset" | "active"; user: User } | null;

/** Users: who may sign in, with which roles; create, edit, deactivate, reactivate, reset a password. */
export function UsersPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const url = useUrlState({ active: "all", role: "", size: "25", sort: "username", dir: "asc" });
  const size = Number(url.get("size"));
  const active = url.get("active");
  const users = useUsers({
    active: active === "all" ? undefined : active === "active",
    role: url.get("role") || undefined,
    sort: apiSort(url.get("sort"), url.get("dir") as SortDir) as UserSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const roleOptions = useRoleOptions();
  const setActive = useSetUserActive();
  const [dialog, setDialog] = useState<Dialog>(null);
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  const rows = users.data?.items ?? []; // sorted and paged by the API

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("admin.users.title")}</Title>
        {can(WRITE) ? <Button onClick={() => setDialog({ kind: "create" })}>{t("admin.users.new")}</Button> : null}
      </Group>
      <Group align="flex-end">
        <SegmentedControl
          data={[
            { value: "all", label: t("admin.users.all") },
            { value: "active", label: t("admin.users.activeFilter") },
            { value: "inactive", label: t("admin.users.deactivatedFilter") },
          ]}
          value={active}
          onChange={(v) => url.set({ active: v })}
        />
        <Select
          label={t("admin.users.role")}
          placeholder={t("admin.users.anyRole")}
          data={roleOptions}
          value={url.get("role") || null}
          onChange={(v) => url.set({ role: v })}
          clearable
          w={220}
        />
      </Group>
      {users.isError ? <ProblemAlert error={users.error} onRetry={() => void users.refetch()} /> : null}
      {users.isPending ? (
        <Loading label={t("admin.users.loading")} />
      ) : (
        <Table striped highlightOnHover data-testid="users">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="username" sort={sort} dir={dir} onSort={onSort}>
                {t("admin.users.username")}
              </SortTh>
              <SortTh column="display_name" sort={sort} dir={dir} onSort={onSort}>
                {t("common.name")}
              </SortTh>
              <Table.Th>{t("admin.users.roles")}</Table.Th>
              <SortTh column="active" sort={sort} dir={dir} onSort={onSort}>
                {t("common.status")}
              </SortTh>
              <SortTh column="password_changed_at" sort={sort} dir={dir} onSort={onSort}>
                {t("admin.users.passwordChanged")}
              </SortTh>
              {can(WRITE) ? <Table.Th>{t("admin.users.actions")}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((u) => (
              <Table.Tr key={u.username} data-testid={`user-${u.username}`}>
                <Table.Td fw={700}>{u.username}</Table.Td>
                <Table.Td>{u.display_name}</Table.Td>
                <Table.Td>{u.roles.join(", ") || "—"}</Table.Td>
                <Table.Td>
                  {u.active ? (
                    <Text c="green.9" fw={700}>
                      {t("admin.users.active")}
                    </Text>
                  ) : (
                    <Badge color="gray.6">{t("admin.users.deactivated")}</Badge>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(u.password_changed_at)}</Table.Td>
                {can(WRITE) ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setDialog({ kind: "edit", user: u })}>
                        {t("common.edit")}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setDialog({ kind: "reset", user: u })}>
                        {t("admin.users.resetPassword")}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        color={u.active ? "red.9" : "green.9"}
                        onClick={() => setDialog({ kind: "active", user: u })}
                      >
                        {u.active ? t("admin.users.deactivate") : t("admin.users.reactivate")}
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {users.data ? (
        <Pager
          total={users.data.total}
          page={url.page}
          size={size}
          onPage={url.setPage}
          onSize={(s) => url.set({ size: s })}
        />
      ) : null}
      {dialog?.kind === "create" ? <CreateUser onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "edit" ? <EditUser user={dialog.user} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "reset" ? <ResetPassword user={dialog.user} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "active" ? (
        <ReasonDialog
          title={t(dialog.user.active ? "admin.users.deactivateTitle" : "admin.users.reactivateTitle", { user: dialog.user.username })}
          confirmLabel={dialog.user.active ? t("admin.users.deactivate") : t("admin.users.reactivate")}
          color={dialog.user.active ? "red.9" : "green.9"}
          onConfirm={(reason) =>
            setActive.mutateAsync({ username: dialog.user.username, active: !dialog.user.active, reason })
          }
          onClose={() => setDialog(null)}
        />
      ) : null}
    </Stack>
  );
}
